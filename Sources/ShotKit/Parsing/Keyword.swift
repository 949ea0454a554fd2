/// The keywords that start top-level lines.
enum Keyword: String, CaseIterable, Sendable {
    case `import`, model, duration, aspect, character, prop, image, style, shot

    /// The keywords' spellings, for "did you mean".
    static let spellings: [String] = allCases.map(\.rawValue)

    /// The keyword spelled by `bytes[range]`, if any: the length and the first byte pick the
    /// one keyword it can be, whose spelling is then compared byte for byte (no String made,
    /// no table walked).
    static func named(_ bytes: [UInt8], _ range: Range<Int>) -> Keyword? {
        guard let start = range.first else { return nil }
        let candidate: (Keyword, StaticString)
        switch (range.count, bytes[start]) {
        case (6, UInt8(ascii: "i")): candidate = (.import, "import")
        case (5, UInt8(ascii: "m")): candidate = (.model, "model")
        case (8, UInt8(ascii: "d")): candidate = (.duration, "duration")
        case (6, UInt8(ascii: "a")): candidate = (.aspect, "aspect")
        case (9, UInt8(ascii: "c")): candidate = (.character, "character")
        case (4, UInt8(ascii: "p")): candidate = (.prop, "prop")
        case (5, UInt8(ascii: "i")): candidate = (.image, "image")
        case (5, UInt8(ascii: "s")): candidate = (.style, "style")
        case (4, UInt8(ascii: "s")): candidate = (.shot, "shot")
        default: return nil
        }
        return candidate.1.withUTF8Buffer { spelling in
            var index = start
            for byte in spelling {
                guard bytes[index] == byte else { return false }
                index += 1
            }
            return true
        } ? candidate.0 : nil
    }

    /// The setting a `model`, `duration` or `aspect` line sets.
    var settingKey: SettingKey? {
        switch self {
        case .model: .model
        case .duration: .duration
        case .aspect: .aspect
        default: nil
        }
    }

    /// The kind a `character`, `prop`, `image` or `style` line declares.
    var declarationKind: DeclarationKind? {
        switch self {
        case .character: .character
        case .prop: .prop
        case .image: .image
        case .style: .style
        default: nil
        }
    }
}

/// The fields of a character or prop.
enum FieldKey: String, CaseIterable, Sendable {
    case front, refs, note

    /// The fields' spellings, for "did you mean".
    static let spellings: [String] = allCases.map(\.rawValue)

    private static let table: [(FieldKey, [UInt8])] = allCases.map { ($0, Array($0.rawValue.utf8)) }

    /// The field key spelled by `bytes[range]`, if any.
    static func named(_ bytes: [UInt8], _ range: Range<Int>) -> FieldKey? {
        for (key, spelling) in table where spelling.count == range.count {
            if bytes[range].elementsEqual(spelling) { return key }
        }
        return nil
    }
}
