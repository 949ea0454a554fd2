// Test support for `shotc run` end to end: the built `shotc` run as a child process with a chosen
// environment, a scratch copy of an example scene, and a tiny HTTP client for the stand-in's control
// routes. Foundation only; nothing here reaches beyond 127.0.0.1.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a finished `shotc` process left behind.
public struct ShotcResult: CustomStringConvertible {
    /// The exit status (128 + signal when killed by one).
    public var status: Int32
    /// What it wrote on standard output.
    public var stdout: String
    /// What it wrote on standard error.
    public var stderr: String
    /// True when the timeout ran out and the process was killed.
    public var timedOut: Bool

    /// The exit status and both outputs, for a failed expectation's message.
    public var description: String {
        "exit \(status)\(timedOut ? " (timed out, killed)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// One `shotc` child process. Output goes to files beside the scratch folder (never into the output
/// folder), so a chatty child can never block on a full pipe.
public final class ShotcProcess: @unchecked Sendable {
    private let process = Process()
    private let stdoutPath: String
    private let stderrPath: String

    /// The built `shotc`: `$SHOTC_PATH` when set, else beside `fal-standin` (same build folder).
    public static func executableURL() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["SHOTC_PATH"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let url = try StandInProcess.executableURL().deletingLastPathComponent().appendingPathComponent("shotc")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw StandInProcess.StartError(description: "shotc not found at \(url.path); run `swift build` first")
        }
        return url
    }

    /// The parent's environment without any `FAL_*` variable, plus `extra`.
    public static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FAL_") }
        environment["NO_COLOR"] = "1"
        for (name, value) in extra { environment[name] = value }
        return environment
    }

    /// The environment pointing every fal URL at `standIn`, with `key` as FAL_KEY (nil: unset).
    public static func environment(standIn: StandInProcess, key: String? = "test-key") -> [String: String] {
        var extra = [
            "FAL_QUEUE_URL": standIn.baseURL, "FAL_REST_URL": standIn.baseURL, "FAL_CDN_URL": standIn.baseURL,
        ]
        if let key { extra["FAL_KEY"] = key }
        return environment(extra)
    }

    /// Starts `shotc arguments...` in `directory` with exactly `environment`; output is logged under
    /// `logDirectory`. `limitFileSize` runs it under `prlimit --fsize` (a write past that many bytes
    /// fails with EFBIG, as on a full disk), with its standard error merged into standard output.
    public init(
        _ arguments: [String], environment: [String: String], directory: String, logDirectory: String,
        limitFileSize: Int? = nil
    ) throws {
        let stamp = UUID().uuidString.prefix(8)
        stdoutPath = "\(logDirectory)/shotc-\(stamp).stdout"
        stderrPath = "\(logDirectory)/shotc-\(stamp).stderr"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        if let limitFileSize {
            // The limit must not reach the log files: shotc writes into a pipe, cat into the log.
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments =
                [
                    "-c", "set -o pipefail; prlimit --fsize=\(limitFileSize) -- \"$@\" 2>&1 | cat", "bash",
                    try Self.executableURL().path,
                ] + arguments
        } else {
            process.executableURL = try Self.executableURL()
            process.arguments = arguments
        }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    /// Its process identifier.
    public var pid: Int32 { process.processIdentifier }
    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// What it has written to stderr so far.
    public var stderrSoFar: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the process to end, killing it (SIGKILL) once `timeout` seconds have passed.
    public func wait(timeout: TimeInterval = 30) -> ShotcResult {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let status: Int32 =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ShotcResult(
            status: status,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "",
            timedOut: timedOut)
    }
}

/// A scratch copy of one example scene folder in a fresh temporary folder, removed by `remove()`.
public struct Scratch {
    /// The temporary root: holds the logs and `scene/`.
    public let root: String
    /// The copied example folder.
    public let folder: String
    /// The scene file in it.
    public let scene: String
    /// The default output folder, `scene/renders/SCENE` (SCENE: the scene file's name without extension).
    public var renders: String {
        let file = scene.split(separator: "/").last.map(String.init) ?? scene
        return folder + "/renders/" + (file.split(separator: ".").first.map(String.init) ?? file)
    }

    /// Copies `examples/<example>` and names `<file>` in it as the scene.
    public init(example: String, file: String) throws {
        let repository = Self.repositoryRoot()
        root = NSTemporaryDirectory() + "shotc-run-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        folder = root + "/scene"
        try FileManager.default.copyItem(atPath: repository + "/examples/" + example, toPath: folder)
        // Nothing from an earlier local render may leak in.
        try? FileManager.default.removeItem(atPath: folder + "/renders")
        scene = folder + "/" + file
    }

    /// The package root (the folder with Package.swift above this file).
    public static func repositoryRoot() -> String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory = directory.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }

    /// Starts `shotc` here with `arguments` (under a file-size limit, if one is given).
    public func start(
        _ arguments: [String], environment: [String: String], limitFileSize: Int? = nil
    ) throws
        -> ShotcProcess
    {
        try ShotcProcess(
            arguments, environment: environment, directory: folder, logDirectory: root, limitFileSize: limitFileSize)
    }

    /// Runs `shotc` here to its end (at most `timeout` seconds).
    public func run(
        _ arguments: [String], environment: [String: String], timeout: TimeInterval = 30, limitFileSize: Int? = nil
    ) throws -> ShotcResult {
        try start(arguments, environment: environment, limitFileSize: limitFileSize).wait(timeout: timeout)
    }

    /// The names in the output folder.
    public func outputNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: renders)) ?? []).sorted()
    }

    /// The record `<renders>/<shot>.run.json` as a JSON object, nil when absent or unreadable.
    public func record(_ shot: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: "\(renders)/\(shot).run.json") else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The bytes of `<renders>/<shot>.mp4`, nil when absent.
    public func video(_ shot: String) -> [UInt8]? {
        FileManager.default.contents(atPath: "\(renders)/\(shot).mp4").map(Array.init)
    }

    /// Removes the scratch folder and the logs.
    public func remove() { try? FileManager.default.removeItem(atPath: root) }
}

// MARK: - The stand-in's control routes

/// Talks to the stand-in over plain HTTP/1.1 (one connection per request, `Connection: close`).
public struct StandInControl {
    /// The stand-in's port on 127.0.0.1.
    public let port: Int

    /// A reply to one request.
    public struct Reply {
        /// Its HTTP status.
        public var status: Int
        /// Its headers.
        public var headers: [String: String]
        /// Its body.
        public var body: [UInt8]
        /// The body as a JSON object.
        public func object() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw ControlError("not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }
    }

    /// A control request that failed, and why.
    public struct ControlError: Error, CustomStringConvertible {
        /// Why.
        public var description: String
        /// A failure described by `description`.
        public init(_ description: String) { self.description = description }
    }

    /// Talks to `standIn`.
    public init(_ standIn: StandInProcess) { port = standIn.port }

    /// Adds faults (`POST /_standin/faults`).
    public func addFaults(_ faults: [[String: Any]]) throws {
        let body = try JSONSerialization.data(withJSONObject: faults)
        let reply = try send("POST", "/_standin/faults", body: Array(body))
        guard reply.status == 200 else {
            throw ControlError("faults refused: \(String(decoding: reply.body, as: UTF8.self))")
        }
    }

    /// `GET /_standin/counts`.
    public func counts() throws -> Counts { Counts(raw: try send("GET", "/_standin/counts").object()) }

    /// `POST /_standin/reset`.
    public func reset() throws { _ = try send("POST", "/_standin/reset") }

    /// The bytes at `url` (an absolute URL on the stand-in).
    public func fetch(_ url: String) throws -> Reply {
        guard let components = URLComponents(string: url), components.port == port else {
            throw ControlError("not a stand-in URL: \(url)")
        }
        return try send("GET", components.percentEncodedPath)
    }

    /// Sends one request on a new connection and reads the whole reply.
    public func send(_ method: String, _ target: String, body: [UInt8] = []) throws -> Reply {
        let headers = body.isEmpty ? [:] : ["Content-Type": "application/json"]
        let response = try RawHTTPConnection(port: port).send(
            method, target, headers: headers, body: body, keepAlive: false)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }
}

/// `GET /_standin/counts`, typed.
public struct Counts: CustomStringConvertible {
    /// The reply as the stand-in wrote it.
    public let raw: [String: Any]
    /// The count of `route` (-1 when the reply has none).
    public subscript(_ route: String) -> Int { raw[route] as? Int ?? -1 }
    /// Every route count, as one number: the total requests the stand-in saw (401s are counted on their route).
    public var total: Int {
        ["submit", "status", "stream", "result", "cancel", "token", "upload", "initiate", "put", "file", "media"]
            .map { self[$0] }.reduce(0, +)
    }
    /// Each route's count, on one line.
    public var description: String {
        ["submit", "status", "stream", "result", "cancel", "token", "upload", "file", "media", "unauthorized"]
            .map { "\($0)=\(self[$0])" }.joined(separator: " ")
    }
}
