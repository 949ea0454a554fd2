import Foundation
import Testing
import ShotKit

/// Every input that crashed or broke an invariant once (`Fixtures/fuzz-regressions/`),
/// compiled through the checks of the fuzz targets (``FuzzInvariants``).
@Suite struct FuzzRegressionTests {
    static let folder = Path.join(fixturesDirectory, "fuzz-regressions")

    static let inputs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".shot") || $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test func thereAreRegressionInputs() {
        #expect(Self.inputs.count >= 5)
    }

    @Test(arguments: inputs)
    func inputKeepsEveryInvariant(name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Self.folder + "/" + name))
        let problems = FuzzInvariants.violations(compiling: Array(data), as: name)
        #expect(problems.isEmpty, "\(name): \(problems)")
    }
}
