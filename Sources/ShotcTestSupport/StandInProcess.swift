// A self-contained test helper: copy or symlink this one file into any test target that needs the stand-in.
// It depends on Foundation only. The test target must depend on the `fal-standin` product so that
// `swift test` builds the executable first (FalKitTests and ShotcCLITests do).
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A running `fal-standin` server for one test, on a free port of 127.0.0.1.
///
/// ```swift
/// let standIn = try StandInProcess(arguments: ["--queue-ms", "50", "--progress-ms", "100"])
/// defer { standIn.stop() }
/// // point FAL_QUEUE_URL, FAL_REST_URL and FAL_CDN_URL at standIn.baseURL
/// ```
///
/// The server's stdin is a pipe held by this object: `stop()` (or `deinit`) closes it and the server exits;
/// if this test process dies, the pipe closes and the server exits too. Startup waits at most `startupTimeout`
/// for the `listening on http://127.0.0.1:PORT` line, so a broken build never hangs a test.
/// The executable is found by `StandInProcess.executableURL()`; set `FAL_STANDIN_PATH` to override it.
public final class StandInProcess: @unchecked Sendable {
    /// Why the stand-in could not be started.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with anything the server wrote to stderr.
        public var description: String

        /// An error saying `description`.
        public init(description: String) { self.description = description }
    }

    /// `http://127.0.0.1:PORT`, as printed by the server; every fal URL (queue, REST, CDN) uses it.
    public let baseURL: String
    /// The port the server listens on.
    public let port: Int
    /// The server's process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    private let process: Process
    private let stdinPipe: Pipe
    private let lock = NSLock()
    private var stopped = false

    /// Starts `fal-standin` with `arguments` (`--port 0` is added unless a port is given) and waits for its
    /// `listening on` line.
    public init(arguments: [String] = [], startupTimeout: TimeInterval = 30) throws {
        let executable = try Self.executableURL()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments.contains("--port") ? arguments : arguments + ["--port", "0"]
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()

        let firstLine = Self.readFirstLine(from: stdoutPipe.fileHandleForReading, timeout: startupTimeout)
        guard let firstLine, firstLine.hasPrefix("listening on ") else {
            process.terminate()
            process.waitUntilExit()
            let stderrText = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StartError(
                description: "fal-standin at \(executable.path) did not print `listening on` within "
                    + "\(startupTimeout) s (first line: \(firstLine ?? "none")); stderr: \(stderrText)")
        }
        let url = String(firstLine.dropFirst("listening on ".count))
        guard let portText = url.split(separator: ":").last, let port = Int(portText) else {
            process.terminate()
            throw StartError(description: "cannot read a port from `\(firstLine)`")
        }
        self.baseURL = url
        self.port = port
        self.process = process
        self.stdinPipe = stdinPipe
    }

    deinit {
        stop()
    }

    /// Stops the server: closes its stdin, waits up to two seconds for it to exit, then sends SIGTERM
    /// and, failing that, SIGKILL. Calling it again does nothing.
    public func stop() {
        let alreadyStopped = lock.withLock { () -> Bool in
            defer { stopped = true }
            return stopped
        }
        if alreadyStopped { return }
        try? stdinPipe.fileHandleForWriting.close()
        if waitForExit(seconds: 2) { return }
        process.terminate()
        if waitForExit(seconds: 2) { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Whether the server process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Closes the server's stdin without waiting, as if this test process had died.
    public func closeStandardInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    /// Waits up to `seconds` for the process to exit; true once it has.
    public func waitForExit(seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return true
    }

    /// The built `fal-standin`: `$FAL_STANDIN_PATH` when set; otherwise next to the running test bundle
    /// (`.build/<triple>/debug/`), then next to `CommandLine.arguments[0]`, then `.build/debug/` of the
    /// package that contains this source file.
    public static func executableURL() throws -> URL {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["FAL_STANDIN_PATH"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        // On Linux the test bundle is `.build/<triple>/debug/<Package>PackageTests.xctest`, an executable;
        // on macOS it is a directory bundle inside that same folder.
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("fal-standin"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("fal-standin"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("fal-standin"))
        }
        if let argumentZero = CommandLine.arguments.first {
            let resolved = URL(fileURLWithPath: argumentZero).resolvingSymlinksInPath()
            candidates.append(resolved.deletingLastPathComponent().appendingPathComponent("fal-standin"))
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                candidates.append(directory.appendingPathComponent(".build/debug/fal-standin"))
                break
            }
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates where fileManager.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw StartError(
            description: "fal-standin not found; build it with `swift build --product fal-standin` or set "
                + "FAL_STANDIN_PATH. Looked at: " + candidates.map(\.path).joined(separator: ", "))
    }

    /// Reads up to the first newline on a background thread, giving up after `timeout` seconds.
    private static func readFirstLine(from handle: FileHandle, timeout: TimeInterval) -> String? {
        final class LineBox: @unchecked Sendable {
            var line: String?
        }
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        let descriptor = handle.fileDescriptor
        let reader = Thread {
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count == 1 {
                    if byte == UInt8(ascii: "\n") { break }
                    bytes.append(byte)
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            box.line = bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        reader.start()
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return box.line
    }
}
