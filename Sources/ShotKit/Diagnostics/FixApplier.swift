/// Applies the machine-applicable fix-its of a compilation (`shotc check --fix`): chooses, per
/// file, the fixes whose edits do not overlap, and checks that each rewritten file still parses.
public enum FixApplier {
    /// One fix chosen for a file: the diagnostic it fixes and the fix-it.
    public struct Fix: Sendable {
        /// The diagnostic the fix answers.
        public var diagnostic: Diagnostic
        /// The fix-it applied.
        public var fixIt: FixIt
    }

    /// The new text of one file, and the fixes that made it.
    public struct FileChange: Sendable {
        /// The file, as the compilation read it.
        public var file: SourceFile
        /// The text after the fixes.
        public var newBytes: [UInt8]
        /// The fixes applied, in source order.
        public var fixes: [Fix]
    }

    /// The machine-applicable fixes of `compilation`, by file, with no two edits overlapping
    /// (the earlier one in source order wins; the later waits for another round), keeping only
    /// files that parse with no more errors after the change than before.
    public static func changes(for compilation: Compilation) -> [FileChange] {
        var byFile: [FileID: [Fix]] = [:]
        for diagnostic in compilation.diagnostics.sorted {
            for fixIt in diagnostic.fixIts where fixIt.isMachineApplicable && !fixIt.edits.isEmpty {
                guard let file = fixIt.edits.first?.span.file,
                    fixIt.edits.allSatisfy({ $0.span.file == file })
                else { continue }
                byFile[file, default: []].append(Fix(diagnostic: diagnostic, fixIt: fixIt))
                break
            }
        }
        var changes: [FileChange] = []
        for (id, candidates) in byFile.sorted(by: { $0.key < $1.key }) {
            let file = compilation.sources[id]
            var chosen: [Fix] = []
            var taken: [TextEdit] = []
            for fix in candidates {
                let clashes = fix.fixIt.edits.contains { edit in
                    edit.span.end > file.bytes.count
                        || taken.contains { overlaps($0.span, edit.span) }
                }
                if clashes { continue }
                chosen.append(fix)
                taken += fix.fixIt.edits
            }
            guard !chosen.isEmpty else { continue }
            let newBytes = apply(taken, to: file.bytes)
            guard newBytes != file.bytes, parseErrors(newBytes, like: file) <= parseErrors(file.bytes, like: file)
            else { continue }
            changes.append(FileChange(file: file, newBytes: newBytes, fixes: chosen))
        }
        return changes
    }

    /// Whether two spans share a byte (or an empty one sits strictly inside the other, or at the
    /// same place as another empty one).
    static func overlaps(_ a: SourceSpan, _ b: SourceSpan) -> Bool {
        if a.start == b.start { return true }
        return a.start < b.end && b.start < a.end
    }

    /// `bytes` with `edits` (which do not overlap) applied.
    public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for edit in edits.sorted(by: { $0.span.start > $1.span.start }) {
            result.replaceSubrange(edit.span.start..<edit.span.end, with: Array(edit.replacement.utf8))
        }
        return result
    }

    /// How many errors the front end of `file`'s syntax reports for `bytes`.
    static func parseErrors(_ bytes: [UInt8], like file: SourceFile) -> Int {
        var diagnostics = DiagnosticBag()
        let copy = SourceFile(id: file.id, path: file.path, bytes: bytes)
        _ = SceneLoader.parse(copy, as: SceneLoader.surface(forPath: file.path), diagnostics: &diagnostics)
        return diagnostics.errorCount
    }
}
