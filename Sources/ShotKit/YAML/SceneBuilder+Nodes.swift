/// How the sections read nodes: keys, scalars where one belongs, and the reports of
/// nodes of the wrong kind, missing values and unknown keys.
extension SceneBuilder {
    /// The mapping of a section; nil (and nothing reported) for an empty section.
    mutating func sectionMapping(
        _ section: YAMLPair, _ key: YAMLScalar, expected: String, diagnostics: inout DiagnosticBag
    )
        -> YAMLNodeID?
    {
        switch document.kind(of: section.value) {
        case .mapping: return section.value
        case .scalar where document.isNull(section.value): return nil
        default:
            wrongKind(section.value, expected: expected, for: key.value, diagnostics: &diagnostics)
            return nil
        }
    }

    /// Whether the mapping `node` has the scalar key `key`. Asked only when an unknown key is
    /// met, so that a mapping's keys are not gathered into a set for every shot.
    func hasKey(_ key: String, in node: YAMLNodeID) -> Bool {
        (0..<document.pairCount(of: node)).contains {
            document.scalar(document.pair($0, of: node).key)?.value == key
        }
    }

    /// The key of `pair` when it is a scalar; a list or mapping as a key is reported.
    mutating func keyScalar(_ pair: YAMLPair, diagnostics: inout DiagnosticBag) -> YAMLScalar? {
        if let scalar = document.scalar(pair.key) { return scalar }
        diagnostics.report(
            .keyNotScalar(found: document.kindDescription(of: pair.key), at: document.writtenSpan(of: pair.key)))
        return nil
    }

    /// The index of the value of the key of `pair` when it is a scalar (where
    /// ``keyScalar(_:diagnostics:)`` gives a scalar); a list or mapping as a key is reported.
    mutating func keyValue(_ pair: YAMLPair, diagnostics: inout DiagnosticBag) -> Int32? {
        if let value = document.valueIndex(of: pair.key) { return value }
        diagnostics.report(
            .keyNotScalar(found: document.kindDescription(of: pair.key), at: document.writtenSpan(of: pair.key)))
        return nil
    }

    /// A scalar where one belongs: reports a list or a mapping (E0022), and a missing value
    /// (E0024) at `missingAt` when one is given; otherwise nil for a null.
    mutating func scalarValue(
        _ node: YAMLNodeID, expected: String, in key: String, at missingAt: SourceSpan? = nil,
        diagnostics: inout DiagnosticBag
    ) -> YAMLScalar? {
        guard let scalar = document.scalar(node) else {
            wrongKind(node, expected: expected, for: key, diagnostics: &diagnostics)
            return nil
        }
        guard scalar.isNull else { return scalar }
        diagnostics.report(.missingYAMLValue(expected: expected, for: key, at: missingAt ?? scalar.span))
        return nil
    }

    /// E0022: `node` is not of the kind `key` expects.
    mutating func wrongKind(
        _ node: YAMLNodeID, expected: String, for key: String, diagnostics: inout DiagnosticBag
    ) {
        diagnostics.report(
            .wrongNodeKind(
                expected: expected, for: key, found: document.kindDescription(of: node),
                at: document.writtenSpan(of: node)))
    }

    /// W0002 with a did-you-mean among `known`.
    mutating func unknownKey(
        _ key: YAMLScalar, among known: [String], in place: String?, diagnostics: inout DiagnosticBag
    ) {
        diagnostics.report(.unknownKey(Self.located(key), among: known, in: place))
    }

    /// A static function, so that `.map(Self.located)` does not capture (copy) the builder.
    static func located(_ scalar: YAMLScalar) -> Located<String> {
        Located(scalar.value, at: scalar.span)
    }
}
