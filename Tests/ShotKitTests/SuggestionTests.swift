import Testing
@testable import ShotKit

@Suite struct SuggestionTests {
    @Test func nearNamesAreSuggested() {
        #expect(Suggestion.closest(to: "mra", among: ["stone", "mara", "ghibli"]) == "mara")
        #expect(Suggestion.closest(to: "charcter", among: ["character", "prop"]) == "character")
        #expect(Suggestion.closest(to: "Mara", among: ["mara"]) == "mara")
    }

    @Test func farNamesAreNot() {
        #expect(Suggestion.closest(to: "zebra", among: ["mara", "stone"]) == nil)
        #expect(Suggestion.closest(to: "x", among: []) == nil)
    }

    @Test func distanceCountsTranspositionsOnce() {
        #expect(Suggestion.editDistance("mraa", "mara") == 1)
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}
