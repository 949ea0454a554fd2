import Testing
import ShotKit

/// `FixApplier`: which machine-applicable fix-its are applied in one round.
@Suite struct FixApplierTests {
    private func compile(_ text: String) -> Compilation {
        Compiler.compile(
            path: "scene.shot", text: Array(text.utf8), fileSystem: FixtureFileSystem(base: "/nonexistent"))
    }

    @Test func editsOnOneLineThatDoNotOverlapAreAppliedTogether() throws {
        let compilation = compile(
            "character mara\n\tfornt https://example.com/a.png\n  refs https://example.com/b.png\n\nshot a\n  @mara waits.\n"
        )
        let change = try #require(FixApplier.changes(for: compilation).first)
        #expect(change.fixes.map(\.diagnostic.code.id).sorted() == ["E0002", "E0007"])
        #expect(
            String(decoding: change.newBytes, as: UTF8.self)
                == "character mara\n  front https://example.com/a.png\n  refs https://example.com/b.png\n\nshot a\n  @mara waits.\n"
        )
    }

    @Test func ambiguousMentionHasNoMachineApplicableFix() {
        let compilation = compile(
            "image mara https://example.com/a.png\nimage marb https://example.com/b.png\n\nshot a\n  @mar waits by @marb and @mara.\n"
        )
        let unknown = compilation.diagnostics.diagnostics.filter { $0.code.id == "E0101" }
        #expect(unknown.count == 1)
        #expect(unknown.allSatisfy { $0.fixIts.allSatisfy { !$0.isMachineApplicable } })
        #expect(FixApplier.changes(for: compilation).isEmpty)
    }

    @Test func editsAreAppliedFromTheEnd() {
        let file = FileID(0)
        let a = TextEdit(SourceSpan(file: file, start: 0, end: 3), "x")
        #expect(FixApplier.apply([a], to: Array("abcdef".utf8)) == Array("xdef".utf8))
        #expect(
            FixApplier.apply([a, TextEdit(SourceSpan(file: file, start: 4, end: 6), "z")], to: Array("abcdef".utf8))
                == Array("xdz".utf8))
    }
}
