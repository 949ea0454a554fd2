"""Browser tests of `shotc board`: the page in headless Chromium, driven by Selenium.

Run by scripts/browser-test.sh (which installs Chromium, chromedriver and Selenium). Everything
stays on this machine: pages are opened from file:// or from `shotc board --serve` on
127.0.0.1, and renders go to the fal stand-in on 127.0.0.1.

Environment: SHOTC_BIN (folder with shotc and fal-standin), BOARD_SCREENSHOTS (a folder: the
render test saves before/after screenshots of the greenhouse board there).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SHOTC_BIN") or os.path.join(ROOT, ".build", "debug")
SHOTC = os.path.join(BIN, "shotc")
STANDIN = os.path.join(BIN, "fal-standin")
EXAMPLES = ["greenhouse/greenhouse.shot", "greenhouse/greenhouse.yaml", "dialogue/dialogue.shot",
            "product/product.shot", "sequence/sequence.shot"]
TOKEN = re.compile(r"@(?:Element|Image)\d+")
RATIOS = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0}


def make_driver(width=1280, height=800):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--allow-file-access-from-files", "--autoplay-policy=no-user-gesture-required",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-default-apps", "--disable-extensions",
                 "--hide-scrollbars", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def run(args, cwd=None, env=None, timeout=120):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


class StandIn:
    """fal-standin on 127.0.0.1; it exits when its stdin closes."""

    def __init__(self):
        self.process = subprocess.Popen(
            [STANDIN, "--port", "0", "--key", "board-key", "--queue-ms", "100", "--progress-ms", "200"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), line
        self.base = line.split()[-1]

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAL_")}
        env.update(FAL_KEY="board-key", FAL_QUEUE_URL=self.base, FAL_REST_URL=self.base, FAL_CDN_URL=self.base,
                   NO_COLOR="1")
        return env

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class BoardTests(unittest.TestCase):
    driver = None

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="shotc-board-")
        shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(cls.work, "examples"),
                        ignore=shutil.ignore_patterns("renders"))
        cls.driver = make_driver()

    @classmethod
    def tearDownClass(cls):
        if cls.driver:
            cls.driver.quit()
        shutil.rmtree(cls.work, ignore_errors=True)

    # Helpers

    def scene(self, relative):
        return os.path.join(self.work, "examples", relative)

    def board(self, scene, *extra, expect=0):
        result = run([SHOTC, "board", scene, *extra])
        self.assertEqual(result.returncode, expect, result.stdout + result.stderr)
        return result

    def default_page(self, scene):
        name = os.path.splitext(os.path.basename(scene))[0]
        return os.path.join(os.path.dirname(scene), "renders", name, "board.html")

    def open(self, url, driver=None):
        driver = driver or self.driver
        driver.get_log("browser")
        driver.get_log("performance")
        driver.get(url)
        self.wait_for(lambda: driver.execute_script("return window.shotcBoardReady !== undefined"), driver=driver)
        self.wait_for(lambda: driver.execute_script(
            "return Array.from(document.images).filter(i => i.loading !== 'lazy').every(i => i.complete)"), driver=driver)

    def wait_for(self, condition, timeout=10, driver=None, message="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if condition():
                    return True
            except Exception:  # the page may be reloading
                pass
            time.sleep(0.05)
        self.fail(f"timed out waiting for {message}")

    def console_errors(self, driver=None):
        driver = driver or self.driver
        return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]

    def requested_urls(self, driver=None):
        driver = driver or self.driver
        urls = []
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def assert_offline(self, allowed_prefixes=("file://",), driver=None):
        urls = self.requested_urls(driver)
        self.assertTrue(urls, "no request seen at all: the performance log is not working")
        outside = [u for u in urls if not u.startswith(tuple(allowed_prefixes) + ("data:",))]
        self.assertEqual(outside, [], "requests left the page's origin")

    def cards(self, driver=None):
        driver = driver or self.driver
        return driver.execute_script("""
            return Array.from(document.querySelectorAll('.card')).map(c => ({
              shot: c.dataset.shot, state: c.dataset.state, duration: c.dataset.duration, aspect: c.dataset.aspect,
              chips: Array.from(c.querySelectorAll('.chip')).map(x => [x.dataset.ref, x.dataset.token]),
              pics: Array.from(c.querySelectorAll('figure.pic')).map(x => x.dataset.token),
              video: c.querySelector('video') ? c.querySelector('video').getAttribute('src') : null}));""")

    # Tests

    def test_examples_match_build(self):
        for relative in EXAMPLES:
            with self.subTest(scene=relative):
                scene = self.scene(relative)
                self.board(scene)
                built = json.loads(run([SHOTC, "build", scene, "--keep-paths"]).stdout)
                self.open("file://" + self.default_page(scene))
                self.assertEqual(self.console_errors(), [])
                self.assert_offline()
                cards = self.cards()
                self.assertEqual([c["shot"] for c in cards], [b["shot"] for b in built])
                for card, request in zip(cards, built):
                    body = request["input"]
                    self.assertEqual(card["duration"], body["duration"])
                    self.assertEqual(card["aspect"], body["aspect_ratio"])
                    self.assertEqual(card["state"], "new")
                    self.assertEqual([token for _, token in card["chips"]], TOKEN.findall(body["prompt"]))
                    expected = [f"@Element{i + 1}" for i in range(len(body.get("elements", [])))] + \
                               [f"@Image{i + 1}" for i in range(len(body.get("image_urls", [])))]
                    self.assertEqual(card["pics"], expected)
                header = self.driver.execute_script(
                    "const h = document.querySelector('header'); return [h.dataset.totalSeconds, h.dataset.totalCost]")
                self.assertEqual(int(header[0]), sum(int(b["input"]["duration"]) for b in built))
                self.check_pictures_and_frames()

    def check_pictures_and_frames(self):
        pictures = self.driver.execute_script("""
            return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);""")
        self.assertTrue(pictures)
        for src, complete, width in pictures:
            self.assertTrue(complete and width > 0, f"picture not loaded: {src}")
        frames = self.driver.execute_script("""
            return Array.from(document.querySelectorAll('.card .frame')).map(f => {
              const r = f.getBoundingClientRect(); return [f.dataset.aspect, r.width, r.height]; });""")
        for aspect, width, height in frames:
            self.assertGreater(height, 20)
            self.assertAlmostEqual(width / height, RATIOS[aspect], delta=RATIOS[aspect] * 0.03, msg=aspect)

    def test_render_changes_state_and_video_plays(self):
        shutil.copytree(os.path.join(ROOT, "examples", "greenhouse"), os.path.join(self.work, "render"))
        scene = os.path.join(self.work, "render", "greenhouse.shot")
        shots = os.environ.get("BOARD_SCREENSHOTS")
        self.board(scene)
        page = "file://" + self.default_page(scene)
        self.open(page)
        self.assertEqual({c["state"] for c in self.cards()}, {"new"})
        if shots:
            self.driver.save_screenshot(os.path.join(shots, "board-before.png"))
        standin = StandIn()
        try:
            result = run([SHOTC, "run", scene, "-j", "2"], env=standin.env())
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        finally:
            standin.close()
        self.board(scene)
        self.open(page)
        cards = self.cards()
        self.assertEqual({c["state"] for c in cards}, {"up-to-date"})
        for card in cards:
            self.assertEqual(card["video"], card["shot"] + ".mp4", "videos are referenced relative to the page")
        self.wait_for(lambda: self.driver.execute_script(
            "return Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 1)"),
            message="every video to load its metadata")
        cost = self.driver.execute_script("return document.querySelector('header').dataset.costToSpend")
        self.assertEqual(cost, "0.000")
        self.assertEqual(self.console_errors(), [])
        self.assert_offline()
        if shots:
            self.driver.execute_script(
                "document.querySelectorAll('video').forEach(v => { v.preload = 'auto'; v.play(); })")
            self.wait_for(lambda: self.driver.execute_script(
                "return Array.from(document.querySelectorAll('video')).every(v => v.ended || v.currentTime > 0.4)"),
                message="the videos to play")
            self.driver.execute_script("document.querySelectorAll('video').forEach(v => v.pause())")
            time.sleep(0.5)
            self.driver.save_screenshot(os.path.join(shots, "board-after.png"))
        # An edit makes a shot stale, and the page says why.
        with open(scene) as f:
            text = f.read()
        with open(scene, "w") as f:
            f.write(text.replace("A slow 180-degree orbit", "A quick 180-degree orbit"))
        self.board(scene)
        self.open(page)
        states = {c["shot"]: c["state"] for c in self.cards()}
        self.assertEqual(states, {"opening": "up-to-date", "orbit": "stale"})
        reason = self.driver.execute_script("return document.querySelector('[data-shot=orbit] .reason').textContent")
        self.assertIn("its prompt changed", reason)

    def test_scene_text_is_escaped(self):
        folder = os.path.join(self.work, "escape")
        shutil.copytree(os.path.join(ROOT, "examples", "greenhouse"), folder)
        scene = os.path.join(folder, "greenhouse.shot")
        with open(scene) as f:
            text = f.read()
        evil = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> & \"quotes\""
        text = text.replace("A slow 180-degree orbit around @mara", evil + " around @mara")
        text = text.replace("A young explorer in a yellow raincoat.", "</textarea><b onclick=x>bold</b>")
        with open(scene, "w") as f:
            f.write(text)
        self.board(scene)
        self.open("file://" + self.default_page(scene))
        self.assertIsNone(self.driver.execute_script("return window.pwned === undefined ? null : window.pwned"))
        prose = self.driver.execute_script("return document.querySelector('[data-shot=orbit] .prose').textContent")
        self.assertIn("<script>window.pwned = 1</script>", prose)
        self.assertEqual(self.driver.execute_script("return document.querySelectorAll('.cast .note b').length"), 0)
        note = self.driver.execute_script("return document.querySelector('.cast-item[data-cast=mara] .note').textContent")
        self.assertEqual(note, "</textarea><b onclick=x>bold</b>")
        self.assertEqual(self.console_errors(), [])
        self.assert_offline()

    def test_cast_filters_cards_and_animatic_plays(self):
        scene = self.scene("greenhouse/greenhouse.shot")
        self.board(scene)
        self.open("file://" + self.default_page(scene))
        self.driver.execute_script("document.querySelector('.cast-item[data-cast=stone]').click()")
        visible = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('.card')).filter(c => !c.hidden).map(c => c.dataset.shot)")
        self.assertEqual(visible, ["opening"])
        self.driver.execute_script("document.querySelector('.cast-item[data-cast=stone]').click()")
        self.driver.execute_script("document.getElementById('play').click()")
        box = "document.getElementById('animatic')"
        self.assertFalse(self.driver.execute_script(f"return {box}.hidden"))
        self.assertIn("opening", self.driver.execute_script(f"return {box}.querySelector('.ashot').textContent"))
        frame = self.driver.execute_script(
            f"const i = {box}.querySelector('.aframe img'); return i && i.naturalWidth")
        self.assertTrue(frame, "the start frame (@ruin, the first @Image) is shown")
        ratio = self.driver.execute_script(
            f"const r = {box}.querySelector('.aframe').getBoundingClientRect(); return r.width / r.height")
        self.assertAlmostEqual(ratio, 16 / 9, delta=0.03, msg="the animatic's frame has the shot's ratio")
        time.sleep(1.2)
        clock = self.driver.execute_script(f"return {box}.querySelector('.aclock').textContent")
        self.assertRegex(clock, r"^0:0[1-2]\.\d / 0:13\.0$")
        if os.environ.get("BOARD_SCREENSHOTS"):
            self.driver.save_screenshot(os.path.join(os.environ["BOARD_SCREENSHOTS"], "board-animatic.png"))
        self.driver.execute_script(f"{box}.querySelector('.aclose').click()")
        self.assertTrue(self.driver.execute_script(f"return {box}.hidden"))
        self.assertEqual(self.console_errors(), [])

    def test_scene_with_errors_lists_diagnostics(self):
        folder = os.path.join(self.work, "broken")
        shutil.copytree(os.path.join(ROOT, "examples", "greenhouse"), folder)
        scene = os.path.join(folder, "greenhouse.shot")
        with open(scene) as f:
            text = f.read()
        with open(scene, "w") as f:
            f.write(text.replace("revealing @mara standing", "revealing @mra standing"))
        self.board(scene, expect=1)
        self.open("file://" + self.default_page(scene))
        diagnostics = self.driver.execute_script("return document.querySelector('.diagnostics pre').textContent")
        self.assertIn("error[E0101]: unknown reference '@mra'", diagnostics)
        self.assertEqual([c["shot"] for c in self.cards()], ["opening", "orbit"])
        self.assertEqual(self.console_errors(), [])

    def test_phone_width_has_no_sideways_scroll(self):
        driver = make_driver(390, 844)
        try:
            # A headless window is at least 500 px wide: emulate the phone's viewport instead.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
            scene = self.scene("dialogue/dialogue.shot")
            self.board(scene)
            self.open("file://" + self.default_page(scene), driver=driver)
            self.assertEqual(driver.execute_script("return window.innerWidth"), 390)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            self.assertLessEqual(overflow, 0)
            if os.environ.get("BOARD_SCREENSHOTS"):
                driver.save_screenshot(os.path.join(os.environ["BOARD_SCREENSHOTS"], "board-phone.png"))
        finally:
            driver.quit()

    def test_200_shots_load_under_a_second(self):
        folder = os.path.join(self.work, "big")
        shutil.copytree(os.path.join(ROOT, "examples", "greenhouse"), folder)
        scene = os.path.join(folder, "big.shot")
        lines = ['import "cast.shot"', "", "character mara", "  front refs/mara-front.png",
                 "  refs  refs/mara-side.png, refs/mara-back.png", "image ruin refs/greenhouse.png", ""]
        for i in range(200):
            aspect = ["16:9", "9:16", "1:1"][i % 3]
            lines += [f"shot s{i:03d} {3 + i % 8}s {aspect}",
                      f"  Shot {i}: @ruin at dusk; @mara walks past the glowing @stone and looks back at @ruin.", ""]
        with open(scene, "w") as f:
            f.write("\n".join(lines))
        self.board(scene)
        self.open("file://" + self.default_page(scene))
        timing = self.driver.execute_script("""
            const n = performance.getEntriesByType('navigation')[0];
            return [n.loadEventEnd, window.shotcBoardReady, document.querySelectorAll('.card').length];""")
        print(f"\n200-shot board: load event at {timing[0]:.0f} ms, script ready at {timing[1]:.0f} ms",
              file=sys.stderr)
        self.assertEqual(timing[2], 200)
        self.assertLess(timing[0], 1000)
        self.assertEqual(self.console_errors(), [])

    def test_serve_reloads_after_an_edit(self):
        folder = os.path.join(self.work, "serve")
        shutil.copytree(os.path.join(ROOT, "examples", "greenhouse"), folder)
        scene = os.path.join(folder, "greenhouse.shot")
        server = subprocess.Popen([SHOTC, "board", scene, "--serve", "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            self.assertIsNotNone(match, line)
            url = match.group(0)
            self.open(url)
            self.assertEqual([c["shot"] for c in self.cards()], ["opening", "orbit"])
            self.check_pictures_and_frames()
            with open(scene) as f:
                text = f.read()
            with open(scene, "w") as f:
                f.write(text + "\nshot coda 3s 1:1\n  @mara waves goodbye.\n")
            edited = time.time()
            self.wait_for(lambda: len(self.cards()) == 3, timeout=5, message="the page to reload")
            print(f"\n--serve: the page showed the edit {time.time() - edited:.2f} s after it", file=sys.stderr)
            self.assertLess(time.time() - edited, 2.0)
            self.assertEqual(self.cards()[2]["aspect"], "1:1")
            self.assertEqual(self.console_errors(), [])
            self.assert_offline(allowed_prefixes=(url,))
        finally:
            server.send_signal(signal.SIGINT)
            try:
                out, _ = server.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.communicate()
                self.fail("--serve did not stop on SIGINT")
        self.assertEqual(server.returncode, 0)
        self.assertIn("stopped", out)


if __name__ == "__main__":
    runner = unittest.TextTestRunner(verbosity=2)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(BoardTests)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed - len(result.skipped)} passed, {failed} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
