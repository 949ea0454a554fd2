import Foundation

// This file is compiled twice: into the test target (with ShotKit as a module), and by
// scripts/fuzz.sh into the fuzz targets together with ShotKit's sources (one module, nothing
// to import). It uses only ShotKit's public API.
#if canImport(ShotKit)
    import ShotKit
#endif

/// The in-memory file system the fuzz targets compile through: every path is the input itself
/// (so imports and images read fuzzed bytes too), except `.png` and `.jpg` paths, which are a
/// valid 512×512 image, and paths containing `missing`, which do not exist. A file's identity
/// is its base name, so imports end: a file that imports its own name closes a cycle.
struct FuzzFileSystem: FileSystem {
    /// The fuzzed bytes.
    let input: [UInt8]

    /// A PNG signature and IHDR chunk of a 512×512 image.
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        + [0, 0, 2, 0, 0, 0, 2, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0]
    /// A JPEG start, an APP0 segment and a start-of-frame segment of a 640×480 image.
    static let jpeg: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00]
        + [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03]
        + [UInt8](repeating: 0, count: 9) + [0xFF, 0xD9]

    private func file(_ path: String) -> (bytes: [UInt8], inode: UInt64)? {
        let lowered = path.lowercased()
        if lowered.contains("missing") { return nil }
        if lowered.hasSuffix(".png") { return (Self.png, 1) }
        if lowered.hasSuffix(".jpg") || lowered.hasSuffix(".jpeg") { return (Self.jpeg, 2) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        // FNV-1a of the base name: deterministic across runs (Hasher is seeded per process).
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return (input, hash | 0x100)
    }

    func read(_ path: String) throws(FileReadError) -> [UInt8] {
        guard let found = file(path) else { throw .notFound }
        return found.bytes
    }

    func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        Array(try read(path).prefix(count))
    }

    func size(_ path: String) throws(FileReadError) -> Int {
        try read(path).count
    }

    func identity(of path: String) -> FileIdentity? {
        file(path).map { FileIdentity(device: 1, inode: $0.inode) }
    }
}

/// What must hold for every input, however malformed: what the fuzz targets check.
enum FuzzInvariants {
    /// Compiles `input` as the scene file `path` (its extension picks the front end) through a
    /// ``FuzzFileSystem``, renders the diagnostics in both forms and builds the request JSON of
    /// what compiles; returns every invariant that does not hold (none when all is well).
    /// A crash or a hang is the fuzzer's to see.
    static func violations(compiling input: [UInt8], as path: String) -> [String] {
        let fileSystem = FuzzFileSystem(input: input)
        let compilation = Compiler.compile(path: path, fileSystem: fileSystem)
        let sources = compilation.sources
        var problems: [String] = []
        let diagnostics = compilation.diagnostics.sorted
        for diagnostic in diagnostics {
            let spans =
                [diagnostic.span].compactMap { $0 } + diagnostic.notes.compactMap(\.span)
                + diagnostic.fixIts.flatMap { $0.edits.map(\.span) }
            for span in spans {
                guard span.file.rawValue >= 0, span.file.rawValue < sources.files.count else {
                    problems.append("\(diagnostic.code): span in unknown file \(span.file.rawValue)")
                    continue
                }
                let count = sources[span.file].bytes.count
                if span.start < 0 || span.start > span.end || span.end > count {
                    problems.append(
                        "\(diagnostic.code): span \(span.start)..<\(span.end) outside the file's \(count) bytes")
                }
            }
        }
        if compilation.diagnostics.hasErrors == (compilation.scene != nil) {
            problems.append("errors and a compiled scene disagree")
        }

        let human = DiagnosticRenderer(sources: sources).render(diagnostics)
        // Bytes first: most output is printable ASCII or U+FFFD, and this runs for every input.
        let utf8 = Array(human.utf8)
        var suspicious = false
        var index = 0
        while index < utf8.count, !suspicious {
            let byte = utf8[index]
            if (byte >= 0x20 && byte < 0x7F) || byte == 0x0A {
                index += 1
            } else if byte == 0xEF, index + 2 < utf8.count, utf8[index + 1] == 0xBF, utf8[index + 2] == 0xBD {
                index += 3
            } else {
                suspicious = true
            }
        }
        if suspicious,
            let bad = human.unicodeScalars.first(where: { $0 != "\n" && DisplayText.needsEscape($0) })
        {
            problems.append("the human rendering shows U+\(String(bad.value, radix: 16)) unescaped")
        }
        let json = JSONDiagnosticRenderer(sources: sources).render(diagnostics)
        let lines = json.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        if lines.count != diagnostics.count {
            problems.append("\(lines.count) JSON lines for \(diagnostics.count) diagnostics")
        }
        for line in lines where !parses(Data(line.utf8)) {
            problems.append("a JSON diagnostic line does not parse: \(line.prefix(200))")
        }

        if let scene = compilation.scene {
            for form in [LocalImageForm.dataURIs, .writtenPaths] {
                var builder = RequestBuilder(scene: scene, fileSystem: fileSystem)
                do {
                    let array = try builder.buildArray(scene.shots, images: form)
                    if !parses(Data(array.bytes(pretty: true))) {
                        problems.append("the request JSON does not parse")
                    }
                } catch {
                    problems.append("the request JSON could not be built: \(error)")
                }
            }
        }
        return problems
    }

    private static func parses(_ data: Data) -> Bool {
        (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }
}
