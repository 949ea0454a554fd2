// `shotc board` as a command: where the page goes, its exit statuses, its data-* hooks, escaping,
// --embed, and the render states it reads from the stand-in's renders. The page itself is tested in
// a real browser by scripts/browser-test.sh.
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("shotc board")
struct BoardTests {
    private func page(_ scratch: Scratch, _ path: String? = nil) throws -> String {
        try String(contentsOfFile: path ?? scratch.renders + "/board.html", encoding: .utf8)
    }

    private func edit(_ scratch: Scratch, _ from: String, _ to: String) throws {
        let text = try String(contentsOfFile: scratch.scene, encoding: .utf8)
        #expect(text.contains(from))
        try text.replacingOccurrences(of: from, with: to).write(
            toFile: scratch.scene, atomically: true, encoding: .utf8)
    }

    /// Every match of `pattern`'s first group in `text`.
    private func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test("writes renders/SCENE/board.html by default, with the hooks of every card, chip and picture")
    func defaultPathAndHooks() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let result = try scratch.run(["board", "greenhouse.shot"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("renders/greenhouse/board.html"), "\(result)")
        let html = try page(scratch)
        #expect(
            try matches(#"<article class="card" id="[^"]*" data-shot="([^"]*)""#, in: html) == ["opening", "orbit"])
        #expect(try matches(#"data-shot="[^"]*" data-state="([^"]*)""#, in: html) == ["new", "new"])
        #expect(html.contains(#"data-total-seconds="13" data-total-cost="1.092""#))
        // Chips in prose order: ruin, mara, stone, ghibli; then mara, ghibli in orbit.
        #expect(
            try matches(#"class="chip" data-ref="([^"]*" data-token="[^"]*)""#, in: html) == [
                #"ruin" data-token="@Image1"#, #"mara" data-token="@Element1"#, #"stone" data-token="@Element2"#,
                #"ghibli" data-token="@Image2"#, #"mara" data-token="@Element1"#, #"ghibli" data-token="@Image1"#,
            ])
        // The pictures sent, in positional order, each labelled with its token.
        #expect(
            try matches(#"<figure class="pic" data-token="([^"]*)""#, in: html)
                == ["@Element1", "@Element2", "@Image1", "@Image2", "@Element1", "@Image1"])
        // Local pictures relative to the page (the space escaped), the remote one never loaded.
        #expect(html.contains(#"src="../../refs/glowing%20stone.png""#))
        #expect(!html.contains(#"src="https://"#))
        #expect(html.contains(#"href="https://example.com/styles/ghibli.png""#))
        #expect(!html.contains("<link rel=\"stylesheet") && !html.contains("<script src"), "everything is inline")
    }

    @Test("-o names the page; pictures are relative to where it is")
    func outputPath() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let result = try scratch.run(
            ["board", "greenhouse.shot", "-o", "out/deep/page.html"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 0, "\(result)")
        let html = try page(scratch, scratch.folder + "/out/deep/page.html")
        #expect(html.contains(#"src="../../refs/mara-front.png""#))
        #expect(!FileManager.default.fileExists(atPath: scratch.renders + "/board.html"))
    }

    @Test("text from the scene is escaped: a prompt holding <script> stays text")
    func escaping() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        try edit(scratch, "A slow 180-degree orbit", #"<script>alert("x")</script> & 'it' orbits"#)
        try edit(scratch, "A young explorer in a yellow raincoat.", "<img src=x onerror=alert(1)>")
        let result = try scratch.run(["board", "greenhouse.shot"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 0, "\(result)")
        let html = try page(scratch)
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;it&#39; orbits"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(html.components(separatedBy: "<script>").count == 2, "only the page's own script")
    }

    @Test("--embed inlines local pictures as data: URIs")
    func embed() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let result = try scratch.run(
            ["board", "greenhouse.shot", "--embed"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 0, "\(result)")
        let html = try page(scratch)
        #expect(html.contains(#"src="data:image/png;base64,iVBOR"#))
        #expect(!html.contains(#"src="../../refs/"#))
        #expect(!result.stderr.contains("25 MB"), "a small page gives no warning")
    }

    @Test("--embed warns when the page passes 25 MB")
    func embedWarning() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        // mara's front, still a valid PNG under the 10 MB limit, padded after its end: it is shown
        // five times on the page.
        let front = scratch.folder + "/refs/mara-front.png"
        let handle = try #require(FileHandle(forWritingAtPath: front))
        handle.seekToEndOfFile()
        handle.write(Data(count: 6 * 1024 * 1024))
        handle.closeFile()
        let result = try scratch.run(
            ["board", "greenhouse.shot", "--embed"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("mail services often refuse more than 25 MB"), "\(result)")
    }

    @Test("--open without xdg-open says how to open the page, and still succeeds")
    func openWithoutOpener() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let result = try scratch.run(
            ["board", "greenhouse.shot", "--open"], environment: ShotcProcess.environment(["PATH": scratch.root]))
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("xdg-open is not installed"), "\(result)")
        #expect(result.stderr.contains("board.html in a browser"), "\(result)")
    }

    @Test("a scene with errors: the page lists the diagnostics and still shows the shots; exit 1")
    func errors() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        try edit(scratch, "revealing @mara standing", "revealing @mra standing")
        let result = try scratch.run(["board", "greenhouse.shot"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("error[E0101]"), "\(result)")
        let html = try page(scratch)
        #expect(html.contains(#"<section class="diagnostics errors" data-errors="1""#))
        #expect(html.contains("error[E0101]: unknown reference &#39;@mra&#39;"))
        #expect(try matches(#"data-shot="([^"]*)" data-duration"#, in: html) == ["opening", "orbit"])
        #expect(html.contains(#"class="chip unknown" data-ref="mra""#))
        // The semantic model exists with errors: declared mentions still show their tokens
        // (in `opening`, @ruin is the first image, @stone the first element).
        #expect(html.contains(#"data-ref="ruin" data-token="@Image1""#), "\(html)")
        #expect(html.contains(#"data-ref="stone" data-token="@Element1""#))
    }

    @Test("a scene with errors: each card shows the scene's model, duration and aspect ratio where it sets none")
    func errorsKeepTheSceneSettings() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        try edit(scratch, "revealing @mara standing", "revealing @mra standing")
        try edit(scratch, "model standard", "model pro")
        try edit(scratch, "duration 5s", "duration 7s")
        try edit(scratch, "aspect 16:9", "aspect 9:16")
        // opening's own duration is written wrong: the scene's applies.
        try edit(scratch, "shot opening 5s 16:9", "shot opening 5.5s 16:9")
        let result = try scratch.run(["board", "greenhouse.shot"], environment: ShotcProcess.environment([:]))
        #expect(result.status == 1, "\(result)")
        let html = try page(scratch)
        // Pro is $0.112 a second: 7 s and 8 s.
        #expect(
            try matches(#"data-shot="([^"]*" data-duration="[^"]*" data-aspect="[^"]*" data-cost="[^"]*)""#, in: html)
                == [
                    #"opening" data-duration="7" data-aspect="16:9" data-cost="0.784"#,
                    #"orbit" data-duration="8" data-aspect="9:16" data-cost="0.896"#,
                ])
        #expect(html.contains(#"data-total-seconds="15" data-total-cost="1.680""#), "\(html)")
    }

    @Test("usage errors exit 2: a missing scene, --port without --serve")
    func usage() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let missing = try scratch.run(["board", "nope.shot"], environment: ShotcProcess.environment([:]))
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("nope.shot"), "\(missing)")
        let port = try scratch.run(
            ["board", "greenhouse.shot", "--port", "8080"], environment: ShotcProcess.environment([:]))
        #expect(port.status == 2, "\(port)")
    }

    @Test("after a render against the stand-in: up to date, the video relative to the page, nothing to spend")
    func afterRender() throws {
        let world = try RunWorld()
        defer { world.close() }
        #expect(try world.run().status == 0)
        try world.control.reset()
        let result = try world.scratch.run(["board", "greenhouse.shot"], environment: world.environment)
        #expect(result.status == 0, "\(result)")
        let html = try page(world.scratch)
        #expect(try matches(#"data-shot="[^"]*" data-state="([^"]*)""#, in: html) == ["up-to-date", "up-to-date"])
        #expect(html.contains(#"<video src="opening.mp4""#))
        #expect(html.contains(#"data-cost-to-spend="0.000""#))
        #expect(try world.control.counts().total == 0, "board sent something")
    }

    @Test("a render fal failed: the card says failed, with fal's error, escaped")
    func failedRender() throws {
        let world = try RunWorld()
        defer { world.close() }
        try world.control.addFaults([
            ["route": "submit", "kind": "renderFail", "message": "Content <policy> violation", "times": 1]
        ])
        #expect(try world.run(["--shot", "opening"]).status == 3)
        let result = try world.scratch.run(["board", "greenhouse.shot"], environment: world.environment)
        #expect(result.status == 0, "\(result)")
        let html = try page(world.scratch)
        #expect(try matches(#"data-shot="[^"]*" data-state="([^"]*)""#, in: html) == ["failed", "new"])
        #expect(html.contains("Content &lt;policy&gt; violation"))
    }

    @Test("--serve answers on 127.0.0.1, makes a new version when the output folder changes, stops cleanly on SIGINT")
    func serve() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let process = try scratch.start(
            ["board", "greenhouse.shot", "--serve"], environment: ShotcProcess.environment([:]))
        let deadline = Date().addingTimeInterval(20)
        var output = ""
        while Date() < deadline {
            output = (try? String(contentsOfFile: Self.stdoutFile(of: scratch), encoding: .utf8)) ?? ""
            if output.contains("http://127.0.0.1:") { break }
            usleep(50_000)
        }
        let port = try #require(try matches(#"http://127\.0\.0\.1:(\d+)/"#, in: output).first.flatMap { Int($0) })
        let page = try Self.get(port: port, path: "/")
        #expect(page.contains(#"data-shot="opening""#))
        #expect(page.contains(#"data-serve-version="1""#))
        #expect(try Self.get(port: port, path: "/version").trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(
            try Self.get(port: port, path: "/f/etc/passwd").contains("not found"), "only the page's files are served")
        // A render finishing (a file appearing in the output folder) makes a new version.
        try FileManager.default.createDirectory(atPath: scratch.renders, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: scratch.renders + "/orbit.run.json"))
        var version = ""
        let changed = Date().addingTimeInterval(5)
        while Date() < changed {
            version = try Self.get(port: port, path: "/version").trimmingCharacters(in: .whitespacesAndNewlines)
            if version != "1" { break }
            usleep(50_000)
        }
        #expect(version == "2")
        #expect(try Self.get(port: port, path: "/").contains(#"data-serve-version="2""#))
        process.send(SIGINT)
        let result = process.wait(timeout: 10)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("stopped"), "\(result)")
    }

    /// The stdout log of the one `shotc` started in `scratch`.
    private static func stdoutFile(of scratch: Scratch) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scratch.root)) ?? []
        return scratch.root + "/" + (names.first { $0.hasSuffix(".stdout") } ?? "none")
    }

    /// The body of the answer to `GET path` on 127.0.0.1:`port`.
    private static func get(port: Int, path: String) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? text
    }
}
