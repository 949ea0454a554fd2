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
            default folder (renders/ beside it); no argument means renders/ here.

            Examples:
              shotc cancel scenes/greenhouse.shot
              shotc cancel renders/
              shotc cancel               # ./renders

            Exit status: 0 done (also when nothing was running), 2 setup errors, 3 a cancel
            request failed.
            """)

    @Argument(help: "A scene file or an output folder (default: renders/).")
    var target: String?

    func run() async throws {
        let directory: String
        switch target {
        case nil: directory = "renders"
        case let target? where target.hasSuffix(".shot") || target.hasSuffix(".yaml") || target.hasSuffix(".yml"):
            directory = RunStore.defaultDirectory(forScene: target)
        case let target?: directory = target
        }
        let store = RunStore(directory: directory)
        let unfinished = store.allRecords().filter { $0.state == .submitted && $0.handle != nil }
        guard !unfinished.isEmpty else {
            Terminal.write("nothing to cancel: no unfinished requests are recorded in \(directory)\n")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let client: FalClient
        do {
            client = FalClient(
                key: try FalKey.fromEnvironment(environment),
                endpoints: try FalEndpoints.fromEnvironment(environment), http: try HTTPClient())
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        var failures = 0
        for var record in unfinished {
            guard let handle = record.handle else { continue }
            do {
                let outcome = try await client.cancel(handle)
                switch outcome {
                case .cancellationRequested, .cancelled, .notFound:
                    record.cancel()
                    Terminal.write("\(record.shot): cancelled request \(handle.requestID)\n")
                case .alreadyCompleted:
                    // Finished and paid for: leave it recorded so the next run fetches the video.
                    Terminal.write("\(record.shot): request \(handle.requestID) had already finished; 'shotc run' fetches its video\n")
                }
                try store.save(record)
            } catch {
                failures += 1
                Terminal.writeError("\(record.shot): cannot cancel request \(handle.requestID): \(error)\n")
            }
        }
        if failures > 0 { throw ExitCode(ExitStatus.remoteFailures) }
    }
}
