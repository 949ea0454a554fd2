/// The rule for names of references and shots (spec section 1): a letter, then letters,
/// digits, `_` or `-`, not ending in `-`.
///
/// Letters are ASCII letters and any non-ASCII Unicode scalar that is alphabetic
/// (`Unicode.Scalar.Properties.isAlphabetic`); digits are ASCII digits.
public enum NameRule {
    /// Whether `scalar` may start a name.
    public static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
        }
        return scalar.properties.isAlphabetic
    }

    /// Whether `scalar` may continue a name.
    public static func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return isNameStart(scalar) || (value >= 0x30 && value <= 0x39) || value == 0x5F
                || value == 0x2D
        }
        return scalar.properties.isAlphabetic
    }

    /// Whether the UTF-8 `bytes` spell a valid name (invalid UTF-8 never does).
    public static func isValid<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let last = bytes.last, last != UInt8(ascii: "-") else {
            return false
        }
        // ASCII names (nearly all) are read in one pass without decoding; at the first
        // non-ASCII byte the whole name is decoded instead. The rule is the same either way:
        // every scalar must pass, so an ASCII byte already refused refuses the name.
        var atStart = true
        var isASCII = true
        for byte in bytes {
            guard byte < 0x80 else {
                isASCII = false
                break
            }
            // An ASCII letter: setting bit 5 maps `A`-`Z` onto `a`-`z` and nothing else into it.
            if byte | 0x20 >= 0x61, byte | 0x20 <= 0x7A {
                atStart = false
                continue
            }
            guard !atStart, (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D else { return false }
        }
        if isASCII { return true }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var first = true
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                guard first ? isNameStart(scalar) : isNameContinue(scalar) else { return false }
                first = false
            case .emptyInput:
                return !first
            case .error:
                return false
            }
        }
    }

    /// Whether `name` is a valid name.
    public static func isValid(_ name: String) -> Bool {
        var name = name
        // The String's own UTF-8 storage, read in place (no copy into an array).
        return name.withUTF8 { isValid($0) }
    }
}
