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
        if bytes.allSatisfy({ $0 < 0x80 }) {
            var first = true
            for byte in bytes {
                let scalar = Unicode.Scalar(byte)
                guard first ? isNameStart(scalar) : isNameContinue(scalar) else { return false }
                first = false
            }
            return true
        }
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
    public static func isValid(_ name: String) -> Bool { isValid(Array(name.utf8)) }
}
