// `shotc init`: a starter project that passes `check`, means the same in both syntaxes, renders
// against the stand-in, and never overwrites anything.
import Foundation
import ShotcTestSupport
import Testing

@Suite("shotc init")
struct InitTests {
    /// A fresh empty folder.
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "shotc-init-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func shotc(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws
        -> ShotcResult
    {
        try ShotcProcess(
            arguments, environment: ShotcProcess.environment(environment), directory: directory, logDirectory: directory
        ).wait(timeout: 30)
    }

    @Test("both starters pass check with --deny-warnings and build the same requests")
    func startersCheckAndAgree() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try shotc(["init", "film"], in: root).status == 0)
        #expect(try shotc(["init", "film-yaml", "--yaml"], in: root).status == 0)
        for scene in ["film/scene.shot", "film-yaml/scene.yaml"] {
            let check = try shotc(["check", "--deny-warnings", scene], in: root)
            #expect(check.status == 0, "\(check)")
            #expect(check.stderr.isEmpty, "\(check)")
        }
        #expect(FileManager.default.fileExists(atPath: root + "/film/refs/README.md"))
        let shot = try shotc(["build", "film/scene.shot"], in: root)
        let yaml = try shotc(["build", "film-yaml/scene.yaml"], in: root)
        #expect(shot.status == 0 && yaml.status == 0)
        #expect(shot.stdout == yaml.stdout, "the two starters mean different things")
        #expect(shot.stdout.contains("@Element1"))
    }

    @Test("init refuses to overwrite anything, writing nothing when one file exists")
    func neverOverwrites() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/film/refs", withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: root + "/film/refs/README.md"))
        let result = try shotc(["init", "film"], in: root)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("not overwriting 'film/refs/README.md'"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: root + "/film/scene.shot"), "something was written")
        #expect(try String(contentsOfFile: root + "/film/refs/README.md", encoding: .utf8) == "mine\n")
        // The current folder is the default.
        #expect(try shotc(["init"], in: root + "/film").status == 2)
        #expect(try shotc(["init", "--yaml"], in: root + "/film").status == 2)
    }

    @Test("the starter renders against the stand-in")
    func starterRenders() throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let standIn = try StandInProcess(arguments: ["--queue-ms", "50", "--progress-ms", "150"])
        defer { standIn.stop() }
        #expect(try shotc(["init"], in: root).status == 0)
        let environment = [
            "FAL_KEY": "test-key", "FAL_QUEUE_URL": standIn.baseURL, "FAL_REST_URL": standIn.baseURL,
            "FAL_CDN_URL": standIn.baseURL,
        ]
        let run = try shotc(["run", "scene.shot"], in: root, environment: environment)
        #expect(run.status == 0, "\(run)")
        for shot in ["arrival", "farewell"] {
            #expect(FileManager.default.fileExists(atPath: root + "/renders/scene/\(shot).mp4"), "\(run)")
        }
    }
}
