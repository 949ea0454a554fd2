/// The keywords that start top-level lines.
enum Keyword: String, CaseIterable, Sendable {
    case `import`, model, duration, aspect, character, prop, image, style, shot

    /// The keywords' spellings, for "did you mean".
    static let spellings: [String] = allCases.map(\.rawValue)

    private static let table: [(Keyword, [UInt8])] = allCases.map { ($0, Array($0.rawValue.utf8)) }

    /// The keyword spelled by `bytes[range]`, if any (compared byte for byte, no String made).
    static func named(_ bytes: [UInt8], _ range: Range<Int>) -> Keyword? {
        for (keyword, spelling) in table where spelling.count == range.count {
            if bytes[range].elementsEqual(spelling) { return keyword }
        }
        return nil
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
