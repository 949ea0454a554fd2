import ArgumentParser
import FalKit
import Foundation
import ShotKit
import ShotRunner

/// `shotc cancel`: cancel the recorded unfinished requests of an output folder.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a scene's unfinished renders on fal.",
        discussion: """
            Reads the records (NAME.run.json) of an output folder and asks fal to cancel
            every request that was accepted and has not finished. A scene file means its
            default folder (renders/SCENE/ beside it); a folder means that folder, or each
            scene folder directly under it; no argument means renders/ here (and each scene
            folder in it). A record that cannot be read is named by its path: it may stand
            for a request that is still running.

            Like `shotc run`, cancel waits while a run uses the folder.

            Examples:
              shotc cancel scenes/greenhouse.shot     # scenes/renders/greenhouse/
              shotc cancel renders/greenhouse/
              shotc cancel                            # every scene folder in ./renders

            Exit status: 0 done (also when nothing was running), 2 usage or setup errors,
            3 a cancel request failed or a record cannot be read.
            """)

    @Argument(help: "A scene file or an output folder (default: renders/).")
    var target: String?

    func run() async throws {
        let folders: [String]
        switch target {
        case nil:
            folders = Self.outputFolders(in: "renders")
        case let target? where target.hasSuffix(".shot") || target.hasSuffix(".yaml") || target.hasSuffix(".yml"):
            folders = [RunStore.defaultDirectory(forScene: target)]
        case let target?:
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), isFolder.boolValue else {
                Terminal.writeError(
                    "error: '\(target)' is not a folder or a scene file (.shot, .yaml, .yml); "
                        + "name an output folder such as renders/SCENE, or the scene file\n")
                throw ExitCode(ExitStatus.usage)
            }
            folders = Self.outputFolders(in: target)
        }
        let found = folders.map { (folder: $0, names: Self.recordFiles(in: $0)) }.filter { !$0.names.isEmpty }
        guard !found.isEmpty else {
            Terminal.write("nothing to cancel: no records in \(folders.joined(separator: ", "))\n")
            return
        }
        var client: FalClient?
        var failures = 0
        var cancelled = 0
        for (folder, names) in found {
            let lock: OutputLock
            do {
                lock = try OutputLock.acquire(in: folder, wait: true) { holder in
                    let who = holder.map { "process \($0)" } ?? "another process"
                    Terminal.writeError("waiting for \(who), which is using \(folder)\n")
                }
            } catch {
                Terminal.writeError("error: \(error)\n")
                throw ExitCode(ExitStatus.usage)
            }
            defer { withExtendedLifetime(lock) {} }
            let store = RunStore(directory: folder)
            var unfinished: [(record: RunRecord, handle: QueueHandle)] = []
            var queue: String?
            for name in names {
                let shot = String(name.dropLast(".run.json".count))
                guard case .record(let record) = store.load(shot) else {
                    failures += 1
                    Terminal.writeError(
                        "\(store.recordPath(shot)): damaged record, cannot be read; if fal accepted a request "
                            + "for \(shot), it may still be running: check it on fal before deleting this file\n")
                    continue
                }
                switch (record.state, record.handle, record.requestID) {
                case (.submitted, let handle?, _):
                    unfinished.append((record, handle))
                case (.submitting, nil, let id?):
                    // An id from an error reply: fal may have accepted it; its URLs are built as fal's clients do.
                    if queue == nil { queue = try Self.queueURL() }
                    if let queue, let handle = QueueHandle.forRequest(id, endpointID: record.endpoint, queue: queue) {
                        unfinished.append((record, handle))
                    }
                case (.submitting, nil, nil):
                    Terminal.writeError(
                        "\(record.shot): a request was sent and fal's answer was never recorded; fal may have accepted "
                            + "it: look for it in your fal dashboard's requests\n")
                default:
                    continue
                }
            }
            guard !unfinished.isEmpty else { continue }
            if client == nil { client = try Self.makeClient() }
            guard let client else { continue }
            for (record, handle) in unfinished {
                var record = record
                do {
                    let outcome = try await client.cancel(handle)
                    switch outcome {
                    case .cancellationRequested, .cancelled, .notFound:
                        record.cancel()
                        cancelled += 1
                        Terminal.write("\(record.shot): cancelled request \(handle.requestID)\n")
                    case .alreadyCompleted:
                        // Finished and paid for: leave it recorded so the next run fetches the video.
                        record.accept(handle)
                        Terminal.write(
                            "\(record.shot): request \(handle.requestID) had already finished; 'shotc run' fetches its video\n"
                        )
                    }
                    try store.save(record)
                } catch {
                    failures += 1
                    Terminal.writeError("\(record.shot): cannot cancel request \(handle.requestID): \(error)\n")
                }
            }
        }
        if cancelled == 0 && failures == 0 {
            Terminal.write(
                "nothing to cancel: no unfinished requests are recorded in \(found.map(\.folder).joined(separator: ", "))\n"
            )
        }
        if failures > 0 { throw ExitCode(ExitStatus.remoteFailures) }
    }

    /// The queue's base URL from the environment.
    private static func queueURL() throws -> String {
        do {
            return try FalEndpoints.fromEnvironment(ProcessInfo.processInfo.environment).queue
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
    }

    private static func makeClient() throws -> FalClient {
        let environment = ProcessInfo.processInfo.environment
        do {
            return FalClient(
                key: try FalKey.fromEnvironment(environment),
                endpoints: try FalEndpoints.fromEnvironment(environment), http: try HTTPClient())
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// `folder` when it holds records, and each folder directly under it that does.
    static func outputFolders(in folder: String) -> [String] {
        var folders: [String] = []
        if !recordFiles(in: folder).isEmpty { folders.append(folder) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = Path.join(folder, name)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
                !recordFiles(in: path).isEmpty
            {
                folders.append(path)
            }
        }
        return folders.isEmpty ? [folder] : folders
    }

    /// The record files (`NAME.run.json`) in `folder`, readable or not, sorted.
    static func recordFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".run.json") && $0.count > ".run.json".count }.sorted()
    }
}
