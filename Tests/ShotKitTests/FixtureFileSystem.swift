import Foundation
import ShotKit

/// The folder this test target's fixtures live in.
let fixturesDirectory: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
}()

/// The repository's top folder (for `examples/`).
let repositoryDirectory: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}()

/// The real file system seen from `base`: relative paths resolve against it, so diagnostics
/// show short, machine-independent paths. A file `NAME.synthetic` holding `png W H BYTES`
/// stands for a PNG of that header and size (a 10 MB fixture without 10 MB in the repo).
struct FixtureFileSystem: FileSystem {
    let base: String
    private let disk = LocalFileSystem()

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : Path.join(base, path)
    }

    private func synthetic(_ path: String) -> (header: [UInt8], size: Int)? {
        guard let text = try? String(contentsOfFile: resolve(path) + ".synthetic", encoding: .utf8)
        else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 4, parts[0] == "png", let width = UInt32(parts[1]),
            let height = UInt32(parts[2]), let size = Int(parts[3])
        else { return nil }
        var header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        header += Array("IHDR".utf8)
        for value in [width, height] {
            header += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        header += [8, 2, 0, 0, 0]
        return (header, size)
    }

    func read(_ path: String) throws(FileReadError) -> [UInt8] {
        if let fake = synthetic(path) {
            return fake.header + [UInt8](repeating: 0, count: fake.size - fake.header.count)
        }
        return try disk.read(resolve(path))
    }

    func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        if let fake = synthetic(path) { return Array(fake.header.prefix(count)) }
        return try disk.readPrefix(resolve(path), count: count)
    }

    func size(_ path: String) throws(FileReadError) -> Int {
        if let fake = synthetic(path) { return fake.size }
        return try disk.size(resolve(path))
    }

    func names(inDirectory path: String) -> [String] {
        disk.names(inDirectory: resolve(path)).map {
            $0.hasSuffix(".synthetic") ? String($0.dropLast(".synthetic".count)) : $0
        }
    }
}

/// Compares `actual` with the golden file at `path`; with `SHOTC_UPDATE_GOLDEN=1` in the
/// environment, writes it instead (then read the diff before committing).
func compareGolden(_ actual: String, _ path: String) -> String? {
    if ProcessInfo.processInfo.environment["SHOTC_UPDATE_GOLDEN"] == "1" {
        try? actual.write(toFile: path, atomically: true, encoding: .utf8)
        return nil
    }
    guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
        return "no golden file at \(path); run the tests with SHOTC_UPDATE_GOLDEN=1 to write it"
    }
    return expected == actual ? nil : "output differs from \(path):\n--- expected\n\(expected)\n--- actual\n\(actual)"
}
