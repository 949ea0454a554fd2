// The command-line side of `shotc run` and `shotc cancel` (issue 6; spec shot-language.md section 7):
// the default folder renders/SCENE/, one run per output folder, exit status 4, the spending guards,
// and what is printed (-q, -v, --dry-run --json, the live display on a terminal). The real binary
// against the real stand-in on 127.0.0.1; terminal behaviour through a pseudo-terminal (python3's
// `pty` module).
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A render long enough to start a second command meanwhile (3 s).
private let long = ["--queue-ms", "50", "--progress-ms", "3000"]
/// greenhouse.shot: opening 5 s + orbit 8 s on the standard tier ($0.084/s).
private let greenhouseCost = "$1.092"
private let greenhouseShots = ["opening", "orbit"]

/// The command-line tests' world: the greenhouse against a stand-in, run in a terminal too.
extension RunWorld {
    /// `shotc <arguments>` run in a pseudo-terminal (stdin, stdout and stderr), see ``runInTerminal``.
    func runInTerminal(
        _ arguments: [String], extra: [String: String] = [:], answer: String? = nil,
        interruptWhenSubmitted shot: String? = nil, timeout: TimeInterval = 30
    ) throws -> TerminalResult {
        try ShotcCLITests.runInTerminal(
            arguments, environment: environment.merging(extra) { $1 }, directory: scratch.folder,
            logDirectory: scratch.root, answer: answer,
            interruptWhen: shot.map { "\(scratch.renders)/\($0).run.json" }, timeout: timeout)
    }
}

/// Polls `condition` every 10 ms for at most `seconds`.
private func eventually(_ seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// What a command run in a pseudo-terminal wrote (stdout and stderr together, as a terminal shows
/// them, escape sequences included) and its exit status.
struct TerminalResult: CustomStringConvertible {
    var status: Int32
    var output: String
    var description: String { "exit \(status)\n--- terminal\n\(output)" }

    /// What the terminal shows after the last time the live display wiped its lines (cursor up, erase
    /// below): the final frame and everything written after it.
    var afterLastWipe: String {
        guard let range = output.range(of: "\u{1B}[J", options: .backwards) else { return output }
        return String(output[range.upperBound...])
    }
}

/// Runs the built `shotc` with `arguments` on a pseudo-terminal through python3's `pty` module:
/// answers `answer` to a `[y/N]` question, sends SIGINT once the record at `interruptWhen` says
/// "submitted", and kills it after `timeout` seconds.
func runInTerminal(
    _ arguments: [String], environment: [String: String], directory: String, logDirectory: String,
    answer: String?, interruptWhen recordPath: String?, timeout: TimeInterval
) throws -> TerminalResult {
    let script = """
        import os, pty, re, select, signal, subprocess, sys, time
        answer, watch, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
        master, slave = pty.openpty()
        child = subprocess.Popen(sys.argv[4:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        out, answered, signalled = b"", False, False
        deadline = time.time() + timeout
        while time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    break
                out += data
            if answer != "-" and not answered and b"[y/N]" in out:
                os.write(master, (answer + "\\n").encode())
                answered = True
            if watch != "-" and not signalled and os.path.exists(watch):
                try:
                    text = open(watch, "rb").read()
                except OSError:
                    text = b""
                if re.search(rb'"state"\\s*:\\s*"submitted"', text):
                    child.send_signal(signal.SIGINT)
                    signalled = True
        else:
            child.kill()
        code = child.wait()
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
        sys.exit(128 - code if code < 0 else code)
        """
    let outputPath = "\(logDirectory)/pty-\(UUID().uuidString.prefix(8)).out"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        [
            "python3", "-c", script, answer ?? "-", recordPath ?? "-", String(timeout),
            try ShotcProcess.executableURL().path,
        ]
        + arguments
    var environment = environment
    environment["TERM"] = "xterm"
    process.environment = environment
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = process.standardOutput
    try process.run()
    process.waitUntilExit()
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return TerminalResult(status: process.terminationStatus, output: output)
}

@Suite("shotc run and cancel: the command line", .serialized)
struct RunCLITests {
    // MARK: renders/SCENE/

    @Test(
        "the default output folder is renders/SCENE/ beside the scene; cancel finds it from the scene, a folder or nothing"
    )
    func defaultFolder() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let result = try bench.run()
        #expect(result.status == 0, "\(result)")
        let folder = bench.scratch.folder + "/renders/greenhouse"
        for shot in greenhouseShots {
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(shot).mp4"), "\(result)")
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(shot).run.json"))
        }
        #expect(!FileManager.default.fileExists(atPath: bench.scratch.folder + "/renders/opening.mp4"))
        // The lock is gone with the run that held it.
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/.shotc.lock"))
        // The YAML form of the scene shares the renders: up to date, nothing sent.
        try bench.control.reset()
        let yaml = try bench.scratch.run(["run", "greenhouse.yaml"], environment: bench.environment)
        #expect(yaml.status == 0, "\(yaml)")
        #expect(yaml.stdout.contains("(up to date)"), "\(yaml)")
        #expect(try bench.control.counts().total == 0)

        for target in [["greenhouse.shot"], ["renders"], ["renders/greenhouse"], []] {
            let cancel = try bench.scratch.run(["cancel"] + target, environment: bench.environment)
            #expect(cancel.status == 0, "cancel \(target): \(cancel)")
            #expect(cancel.stdout.contains("nothing to cancel"), "cancel \(target): \(cancel)")
            #expect(
                cancel.stdout.contains("renders/greenhouse"),
                "cancel \(target) did not look in renders/greenhouse: \(cancel)")
        }
        let missing = try bench.scratch.run(["cancel", "no-such-folder"], environment: bench.environment)
        #expect(missing.status == 2, "\(missing)")
    }

    @Test("cancel: each scene folder under renders/, a damaged record named by its path (exit 3)")
    func cancelFoldersAndDamagedRecords() throws {
        let bench = try RunWorld(standInArguments: long)
        defer { bench.close() }
        let process = try bench.start(["-j", "1", "--shot", "opening"])
        let submitted = eventually(10) { bench.state("opening") == "submitted" }
        process.send(SIGINT)
        let interrupted = process.wait(timeout: 10)
        try #require(submitted && interrupted.status == 130, "\(interrupted)")
        let damaged = bench.scratch.renders + "/broken.run.json"
        try Data("{\"shot\": \"broken\", \"sta".utf8).write(to: URL(fileURLWithPath: damaged))

        let cancel = try bench.scratch.run(["cancel"], environment: bench.environment)
        #expect(cancel.status == 3, "\(cancel)")
        #expect(cancel.stdout.contains("opening: cancelled request"), "\(cancel)")
        #expect(cancel.stderr.contains("renders/greenhouse/broken.run.json"), "\(cancel)")
        #expect(cancel.stderr.contains("damaged record"), "\(cancel)")
        #expect(try bench.control.counts()["cancel"] == 1)
        #expect(bench.state("opening") == "cancelled")
    }

    // MARK: One run per output folder

    @Test("two runs on one folder: the second waits, names the first's pid, then says up to date; each shot sent once")
    func secondRunWaits() throws {
        let bench = try RunWorld(standInArguments: ["--queue-ms", "50", "--progress-ms", "1500"])
        defer { bench.close() }
        let first = try bench.start(["-j", "2"])
        let started = eventually(10) { bench.state("opening") == "submitted" || bench.state("orbit") == "submitted" }
        let second = try bench.start(["-j", "2"])
        let saidWaiting = eventually(10) { second.stderrSoFar.contains("waiting for process \(first.pid)") }
        let firstResult = first.wait(timeout: 30)
        let secondResult = second.wait(timeout: 30)
        try #require(started, "\(firstResult)")
        #expect(saidWaiting, "\(secondResult)")
        #expect(secondResult.stderr.contains("which is using renders/greenhouse"), "\(secondResult)")
        #expect(
            secondResult.stderr.components(separatedBy: "waiting for process").count == 2,
            "said more than once: \(secondResult)")
        #expect(firstResult.status == 0, "\(firstResult)")
        #expect(secondResult.status == 0, "\(secondResult)")
        #expect(secondResult.stdout.contains("(up to date)"), "\(secondResult)")
        let counts = try bench.control.counts()
        #expect(counts["submit"] == 2, "\(counts)")
        #expect(!FileManager.default.fileExists(atPath: bench.scratch.renders + "/.shotc.lock"))
    }

    @Test("--no-wait on a folder in use: exit 2 at once, the holder's pid named, nothing sent")
    func noWait() throws {
        // Renders of 10 s: a second run that waited would take that long.
        let bench = try RunWorld(standInArguments: ["--queue-ms", "50", "--progress-ms", "10000"])
        defer { bench.close() }
        let first = try bench.start(["-j", "2"])
        let started = eventually(10) { bench.state("opening") == "submitted" && bench.state("orbit") == "submitted" }
        let began = Date()
        let second = try bench.run(["-j", "2", "--no-wait"], timeout: 10)
        let took = Date().timeIntervalSince(began)
        first.send(SIGINT)
        _ = first.wait(timeout: 10)
        try #require(started)
        #expect(second.status == 2, "\(second)")
        #expect(took < 6, "--no-wait waited \(took) s")
        #expect(second.stderr.contains("process \(first.pid) is using"), "\(second)")
        #expect(second.stderr.contains("nothing was sent"), "\(second)")
        #expect(try bench.control.counts()["submit"] == 2)
    }

    @Test("a lock left by a SIGKILLed run does not block the next one")
    func staleLockAfterKill() throws {
        let bench = try RunWorld(standInArguments: long)
        defer { bench.close() }
        let process = try bench.start(["-j", "1", "--shot", "opening"])
        let submitted = eventually(10) { bench.state("opening") == "submitted" }
        let lockPath = bench.scratch.renders + "/.shotc.lock"
        let lockText = try? String(contentsOfFile: lockPath, encoding: .utf8)
        process.send(SIGKILL)
        _ = process.wait(timeout: 10)
        try #require(submitted)
        #expect(
            lockText?.trimmingCharacters(in: .whitespacesAndNewlines) == String(process.pid),
            "\(lockText ?? "no lock file")")
        #expect(FileManager.default.fileExists(atPath: lockPath), "the killed run's lock file should still be there")

        let began = Date()
        let again = try bench.run(["-j", "1", "--shot", "opening", "--no-wait"])
        #expect(again.status == 0, "\(again)")
        #expect(!again.stderr.contains("waiting for"), "\(again)")
        #expect(Date().timeIntervalSince(began) < 15)
        #expect(try bench.control.counts()["submit"] == 1, "submitted twice")
        #expect(!FileManager.default.fileExists(atPath: lockPath))
    }

    @Test("cancel waits while a run uses the folder")
    func cancelWaitsForRun() throws {
        let bench = try RunWorld(standInArguments: ["--queue-ms", "50", "--progress-ms", "1500"])
        defer { bench.close() }
        let run = try bench.start(["-j", "2"])
        let started = eventually(10) { bench.state("opening") == "submitted" }
        let cancel = try bench.scratch.start(["cancel", "greenhouse.shot"], environment: bench.environment)
        let runResult = run.wait(timeout: 30)
        let cancelResult = cancel.wait(timeout: 30)
        try #require(started, "\(runResult)")
        #expect(runResult.status == 0, "\(runResult)")
        #expect(cancelResult.status == 0, "\(cancelResult)")
        #expect(cancelResult.stderr.contains("waiting for process \(run.pid)"), "\(cancelResult)")
        #expect(cancelResult.stdout.contains("nothing to cancel"), "\(cancelResult)")
        #expect(try bench.control.counts()["cancel"] == 0)
    }

    // MARK: Exit status 4

    @Test("a damaged record holds its shot: not submitted, exit 4 (the other shot still renders)")
    func heldShotExits4() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        try FileManager.default.createDirectory(atPath: bench.scratch.renders, withIntermediateDirectories: true)
        try Data("{\"shot\":\"opening\",\"fingerprint\":".utf8)
            .write(to: URL(fileURLWithPath: bench.scratch.renders + "/opening.run.json"))
        let result = try bench.run(["-j", "2"])
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("opening: not submitted"), "\(result)")
        #expect(result.stdout.contains("not submitted"), "\(result)")
        #expect(try bench.control.counts()["submit"] == 1, "the held shot was submitted")
        #expect(bench.scratch.video("orbit") != nil)
    }

    @Test("exit 4 wins over 3: one shot held, the other failed on fal")
    func fourOverThree() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        try FileManager.default.createDirectory(atPath: bench.scratch.renders, withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: bench.scratch.renders + "/opening.run.json"))
        try bench.control.addFaults([
            ["route": "submit", "kind": "renderFail", "message": "Content policy violation", "times": 1]
        ])
        let result = try bench.run(["-j", "2"])
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("orbit: failed"), "\(result)")
    }

    @Test("the live display names a held shot 'not submitted', not 'failed'")
    func livePhaseOfHeldShot() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        try FileManager.default.createDirectory(atPath: bench.scratch.renders, withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: bench.scratch.renders + "/opening.run.json"))
        let result = try bench.runInTerminal(["run", "greenhouse.shot", "-j", "2"])
        #expect(result.status == 4, "\(result)")
        let frame = result.afterLastWipe
        #expect(frame.contains("opening  not submitted:"), "\(result)")
        #expect(!frame.contains("opening  failed"), "\(result)")
    }

    // MARK: Spending

    @Test("--max-cost and SHOTC_MAX_COST below the estimate: exit 2, the estimate shown, nothing uploaded or sent")
    func maxCostRefuses() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        for (arguments, extra) in [(["--max-cost", "1.05"], [:]), ([], ["SHOTC_MAX_COST": "$0.5"])]
            as [([String], [String: String])]
        {
            let result = try bench.run(arguments, extra: extra)
            #expect(result.status == 2, "\(arguments) \(extra): \(result)")
            #expect(result.stderr.contains(greenhouseCost), "\(result)")
            #expect(result.stderr.contains("nothing was sent"), "\(result)")
            #expect(result.stderr.contains("above --max-cost"), "\(result)")
        }
        #expect(try bench.control.counts().total == 0)
        #expect(bench.scratch.outputNames().isEmpty, "\(bench.scratch.outputNames())")

        // At or above the estimate, the run goes on.
        let allowed = try bench.run(["--max-cost", "1.092"], extra: ["SHOTC_MAX_COST": "0"])
        #expect(allowed.status == 0, "\(allowed)")
        // Nothing left to submit costs nothing: a limit of 0 lets an up-to-date run through.
        let upToDate = try bench.run(["--max-cost", "0"])
        #expect(upToDate.status == 0, "\(upToDate)")
    }

    @Test("a bad --max-cost, SHOTC_MAX_COST or SHOTC_CONFIRM_ABOVE is a usage error (exit 2)")
    func badAmounts() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let cases: [([String], [String: String], String)] = [
            (["--max-cost", "abc"], [:], "--max-cost"), (["--max-cost", "-1"], [:], "--max-cost"),
            (["--max-cost", "1.2345"], [:], "--max-cost"), ([], ["SHOTC_MAX_COST": "lots"], "SHOTC_MAX_COST"),
            ([], ["SHOTC_CONFIRM_ABOVE": "1,5"], "SHOTC_CONFIRM_ABOVE"),
        ]
        for (arguments, extra, name) in cases {
            let result = try bench.run(arguments, extra: extra)
            #expect(result.status == 2, "\(arguments) \(extra): \(result)")
            #expect(result.stderr.contains(name), "\(result)")
        }
        #expect(try bench.control.counts().total == 0)
    }

    @Test("on a terminal, above SHOTC_CONFIRM_ABOVE: the plan and the question; n sends nothing (exit 2), y renders")
    func confirmOnTerminal() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let ask = ["SHOTC_CONFIRM_ABOVE": "0.50"]
        let no = try bench.runInTerminal(["run", "greenhouse.shot"], extra: ask, answer: "n")
        #expect(no.status == 2, "\(no)")
        #expect(no.output.contains("Submit 2 shots for about $1.09? [y/N]"), "\(no)")
        #expect(no.output.contains("opening  submit (new)"), "the plan is not shown: \(no)")
        #expect(no.output.contains("nothing was sent"), "\(no)")
        #expect(try bench.control.counts().total == 0)

        let yes = try bench.runInTerminal(["run", "greenhouse.shot"], extra: ask, answer: "y")
        #expect(yes.status == 0, "\(yes)")
        #expect(try bench.control.counts()["submit"] == 2)

        // --yes: no question, and --force counts as spending.
        let forced = try bench.runInTerminal(["run", "greenhouse.shot", "--force", "--yes"], extra: ask)
        #expect(forced.status == 0, "\(forced)")
        #expect(!forced.output.contains("[y/N]"), "\(forced)")
        #expect(try bench.control.counts()["submit"] == 4)

        // Below the threshold (the default $2): no question.
        let cheap = try bench.runInTerminal(["run", "greenhouse.shot", "--force"])
        #expect(cheap.status == 0, "\(cheap)")
        #expect(!cheap.output.contains("[y/N]"), "\(cheap)")
    }

    @Test("off a terminal the question is never asked")
    func neverAskedOffTerminal() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let result = try bench.run([], extra: ["SHOTC_CONFIRM_ABOVE": "0"])
        #expect(result.status == 0, "\(result)")
        #expect(!(result.stdout + result.stderr).contains("[y/N]"), "\(result)")
    }

    @Test("the summary states what the run submitted and its estimated cost; --force counts, a re-run spends nothing")
    func summaryStatesSpending() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let first = try bench.run(["-j", "2"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("submitted 2 new requests, about $1.09"), "\(first)")
        let again = try bench.run()
        #expect(again.stdout.contains("submitted no new requests"), "\(again)")
        let forced = try bench.run(["--force", "--shot", "orbit"])
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stdout.contains("submitted 1 new request, about $0.67"), "\(forced)")
    }

    // MARK: Diagnosis, not noise

    @Test("a refused key: every shot's identical problem is said once, grouped in the summary")
    func identicalFailuresGrouped() throws {
        // FAL_KEY is test-key, the stand-in wants another: every request is refused (401).
        let bench = try RunWorld(standInKey: "the-right-key")
        defer { bench.close() }
        let result = try bench.run(["-j", "2"])
        #expect(result.status == 3 || result.status == 4, "\(result)")
        #expect(result.stdout.contains("2 shots (opening, orbit)"), "not grouped: \(result)")
        // No problem text is printed twice on stderr.
        var seen: [String: Int] = [:]
        for line in result.stderr.split(separator: "\n") {
            for marker in ["failed: ", "not submitted: ", "not finished: "] {
                if let range = line.range(of: marker) { seen[String(line[range.upperBound...]), default: 0] += 1 }
            }
        }
        #expect(seen.values.allSatisfy { $0 == 1 }, "repeated: \(seen.filter { $0.value > 1 }.keys)\n\(result)")
        #expect(try bench.control.counts()["submit"] == 0)
    }

    @Test("a notice (the refused key) is printed once, even with -q")
    func noticeOnceEvenQuiet() throws {
        // FAL_KEY is test-key, the stand-in wants another: the key is refused.
        let bench = try RunWorld(standInKey: "the-right-key")
        defer { bench.close() }
        let result = try bench.run(["-j", "2", "-q"])
        #expect(result.status != 0, "\(result)")
        let said = result.stderr.components(separatedBy: "fal refused the key in FAL_KEY").count - 1
        #expect(said == 1, "said \(said) times: \(result)")
    }

    @Test("-q prints only problems and the summary")
    func quietPrintsOnlyProblems() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let result = try bench.run(["-j", "2", "-q"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "-q printed progress: \(result)")
        #expect(result.stdout.contains("2 of 2 shots ready"), "\(result)")
        #expect(!result.stdout.contains("opening.mp4"), "-q printed the shot list: \(result)")

        // --json -q: the summary object only.
        let jsonQuiet = try bench.run(["-j", "2", "-q", "--json", "--force"])
        #expect(jsonQuiet.status == 0, "\(jsonQuiet)")
        let objects = jsonQuiet.stdout.split(separator: "\n")
        #expect(objects.count == 1 && objects.first?.contains("\"event\":\"summary\"") == true, "\(jsonQuiet)")

        // A problem is still shown with -q.
        try bench.control.addFaults([
            ["route": "submit", "kind": "renderFail", "message": "Content policy violation", "times": 1]
        ])
        let failing = try bench.run(["-j", "2", "-q", "--force"])
        #expect(failing.status == 3, "\(failing)")
        #expect(failing.stderr.contains("Content policy violation"), "\(failing)")
        #expect(!failing.stderr.contains("done"), "\(failing)")
    }

    @Test("-v shows each request with its headers, Authorization: Key ***, and never the key")
    func verboseHeaders() throws {
        let key = "sk-secret-PLUGH-456"
        let bench = try RunWorld(key: key)
        defer { bench.close() }
        let environment = bench.environment
        #expect(environment["FAL_KEY"] == key)
        let result = try bench.scratch.run(["run", "greenhouse.shot", "-v", "-j", "2"], environment: environment)
        #expect(result.status == 0, "\(result)")
        let lines = result.stderr.components(separatedBy: "\n")
        let submit = try #require(
            lines.firstIndex { $0.contains("POST \(bench.standIn.baseURL)/fal-ai/") }, "\(result)")
        let headers = lines[(submit + 1)...].prefix { $0.hasPrefix("    ") }
        #expect(headers.contains("    Authorization: Key ***"), "\(headers)")
        #expect(headers.contains { $0.hasPrefix("    Content-Type: application/json") }, "\(headers)")
        #expect(!result.stdout.contains("PLUGH") && !result.stderr.contains("PLUGH"), "the key is printed")

        // In a terminal too (the live display).
        try bench.control.reset()
        let live = try ShotcCLITests.runInTerminal(
            ["run", "greenhouse.shot", "-v", "--force", "--yes"], environment: environment,
            directory: bench.scratch.folder, logDirectory: bench.scratch.root, answer: nil, interruptWhen: nil,
            timeout: 30)
        #expect(live.status == 0, "\(live)")
        #expect(live.output.contains("Authorization: Key ***"), "\(live)")
        #expect(!live.output.contains("PLUGH"), "the key is printed")
    }

    @Test("--dry-run --json: JSON lines, one per shot with action and cost, one per upload, one total")
    func dryRunJSON() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let result = try bench.scratch.run(
            ["run", "greenhouse.shot", "--dry-run", "--json"],
            environment: ShotcProcess.environment(standIn: bench.standIn, key: nil))
        #expect(result.status == 0, "\(result)")
        var objects: [[String: Any]] = []
        for line in result.stdout.split(separator: "\n") {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            if let object { objects.append(object) }
        }
        let plans = objects.filter { $0["event"] as? String == "plan" }
        #expect(plans.compactMap { $0["shot"] as? String } == greenhouseShots, "\(plans)")
        #expect(plans.allSatisfy { $0["action"] as? String == "submit (new)" && $0["submits"] as? Bool == true })
        #expect(plans.compactMap { $0["cost"] as? String } == ["$0.420", "$0.672"], "\(plans)")
        #expect(objects.filter { $0["event"] as? String == "upload" }.count == 6, "\(objects)")
        let totals = objects.filter { $0["event"] as? String == "total" }
        #expect(totals.count == 1)
        #expect(totals.first?["cost"] as? String == greenhouseCost, "\(totals)")
        #expect(totals.first?["cost_mills"] as? Int == 1092, "\(totals)")
        #expect(try bench.control.counts().total == 0)
    }

    // MARK: The live display

    @Test(
        "Ctrl-C on a terminal: only the shot on fal is 'still running', the other 'not started', and the advice stays below the last frame"
    )
    func liveInterrupt() throws {
        let bench = try RunWorld(standInArguments: long)
        defer { bench.close() }
        let result = try bench.runInTerminal(["run", "greenhouse.shot", "-j", "1"], interruptWhenSubmitted: "opening")
        #expect(result.status == 130, "\(result)")
        let last = result.afterLastWipe
        #expect(last.contains("still running on fal, recorded"), "\(result)")
        #expect(last.contains("not started"), "\(result)")
        #expect(
            last.components(separatedBy: "still running on fal").count == 2,
            "more than one shot marked running: \(last)")
        // The advice comes after the last wipe: nothing erased it.
        #expect(last.contains("1 accepted request keeps running"), "the advice was wiped: \(result)")
        #expect(last.contains("shotc cancel"), "\(result)")
    }

    @Test("a finished run on a terminal draws its list once: the summary gives totals, not the list again")
    func liveListOnce() throws {
        let bench = try RunWorld()
        defer { bench.close() }
        let result = try bench.runInTerminal(["run", "greenhouse.shot", "-j", "2"])
        #expect(result.status == 0, "\(result)")
        let last = result.afterLastWipe
        #expect(last.contains("2 of 2 shots ready"), "\(result)")
        #expect(last.components(separatedBy: "opening.mp4").count == 2, "the list is drawn more than once: \(last)")
    }
}
