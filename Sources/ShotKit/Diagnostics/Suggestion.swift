/// "Did you mean" by edit distance (after Elm's `Suggest.hs`).
public enum Suggestion {
    /// The candidate nearest to `word`, if one is near enough to be a likely misspelling:
    /// within a third of the word's length (at least 1, at most 3 edits). Ties go to the
    /// earlier candidate; a candidate equal to `word` ignoring case always wins.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = min(3, max(1, word.count / 3))
        var best: (candidate: String, distance: Int)? = nil
        let lowered = word.lowercased()
        for candidate in candidates {
            if candidate.lowercased() == lowered, candidate != word { return candidate }
            let distance = editDistance(word, candidate, limit: limit)
            guard distance <= limit else { continue }
            if distance < best?.distance ?? Int.max { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// The candidate nearest to `word` when it is the only one near enough (or the only one
    /// equal ignoring case): a suggestion certain enough to apply without asking.
    public static func unambiguous(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let sameCase = candidates.filter { $0.lowercased() == lowered && $0 != word }
        if !sameCase.isEmpty { return sameCase.count == 1 ? sameCase[0] : nil }
        let limit = min(3, max(1, word.count / 3))
        let near = Set(candidates.filter { $0 != word && editDistance(word, $0, limit: limit) <= limit })
        return near.count == 1 ? near.first : nil
    }

    /// The Damerau–Levenshtein (optimal string alignment) distance between `a` and `b`,
    /// counting Unicode scalars; stops early with `limit + 1` once the distance must exceed it.
    public static func editDistance(_ a: String, _ b: String, limit: Int = .max) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > limit { return limit &+ 1 }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previousPrevious = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit &+ 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[y.count]
    }
}
