// Atomic writes: a reader never sees half a file, even when one process writes the same file
// from several tasks at once (the upload cache is saved by concurrent uploads).
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import ShotRunner

@Suite struct AtomicFileTests {
    @Test("concurrent writes of one file each stay whole; no temporary file is left")
    func concurrentWritesStayWhole() async throws {
        let folder = NSTemporaryDirectory() + "shotc-atomic-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/cache.json"
        // Versions of very different sizes, so a mixed file shows.
        let versions = (0..<8).map { writer in
            Array("[\(String(repeating: "\"\(writer)\",", count: 2000 * (writer + 1)))0]\n".utf8)
        }
        let stop = ManagedAtomicFlag()
        let reader = Task.detached {
            var torn = 0
            while !stop.isSet {
                // Whatever is at the final name (a 0-byte file is torn too; no file yet is not).
                if let data = FileManager.default.contents(atPath: path), !versions.contains(Array(data)) { torn += 1 }
            }
            return torn
        }
        // Real threads, not the cooperative pool's two: the writes must overlap.
        DispatchQueue.concurrentPerform(iterations: versions.count) { writer in
            for _ in 0..<150 { try? AtomicFile.write(versions[writer], to: path) }
        }
        stop.set()
        #expect(await reader.value == 0, "a reader saw a file no writer wrote whole")
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(versions.contains(Array(data)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["cache.json"])
    }
}

/// A flag one task sets and another polls.
final class ManagedAtomicFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
