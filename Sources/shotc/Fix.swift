import ShotKit

#if canImport(Glibc)
    import Glibc
#endif

/// `shotc check --fix`: applies the machine-applicable fix-its of a scene file and of the
/// files it imports, round after round until nothing changes, and rewrites each changed file
/// atomically.
enum SceneFixer {
    /// The most rounds of fixing one scene: a fix can reveal another (a mention fixed after
    /// its keyword), and no chain of fixes is longer than this.
    static let maxRounds = 5

    /// Fixes the scene at `path` and its imports; returns the `fixed` lines to print and the
    /// problems met writing files (each a line).
    static func fix(path: String) -> (fixed: [String], failures: [String]) {
        var fixed: [String] = []
        var failures: [String] = []
        var refused = Set<String>()
        for _ in 0..<maxRounds {
            let compilation = Compiler.compile(path: path)
            let changes = FixApplier.changes(for: compilation).filter { !refused.contains($0.file.path) }
            if changes.isEmpty { break }
            var wrote = false
            for change in changes {
                do {
                    try writeAtomically(change.newBytes, to: change.file.path)
                    wrote = true
                } catch {
                    refused.insert(change.file.path)
                    failures.append("\(change.file.path): cannot write the fixes: \(error)")
                    continue
                }
                for fix in change.fixes { fixed.append(describe(fix, in: change.file)) }
            }
            if !wrote { break }
        }
        return (fixed, failures)
    }

    /// `scene.shot:14:27: fixed E0101: '@mra' → '@mara'`.
    static func describe(_ fix: FixApplier.Fix, in file: SourceFile) -> String {
        guard let edit = fix.fixIt.edits.first else { return "" }
        let location = file.location(of: edit.span.start)
        return "\(DisplayText.escaped(file.path)):\(location): fixed \(fix.diagnostic.code.id): "
            + "'\(DisplayText.escaped(file.text(of: edit.span)))' → '\(DisplayText.escaped(edit.replacement))'"
    }

    /// Why a file could not be rewritten.
    struct WriteError: Error, CustomStringConvertible {
        /// What failed, in words.
        var description: String
    }

    /// Writes `bytes` to a temporary file beside `path` with `path`'s permissions, then renames
    /// it over `path`: a reader sees the old file or the new one, never half of one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        var template = Array((path + ".shotc-fix-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String? = nil
        var written = 0
        while failure == nil, written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result < 0 {
                if errno != EINTR { failure = String(cString: strerror(errno)) }
            } else {
                written += result
            }
        }
        if failure == nil, fchmod(descriptor, status.st_mode & 0o7777) != 0 {
            failure = String(cString: strerror(errno))
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(description: failure)
        }
    }
}
