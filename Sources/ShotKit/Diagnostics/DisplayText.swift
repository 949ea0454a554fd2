/// Makes text safe to show in a diagnostic: characters that are invisible or that a terminal
/// would act on are written as Swift-style escapes, so `'m\u{200B}ara'` cannot pass for
/// `'mara'` and a NUL or a line feed in a path cannot break the `file:line:col` header.
public enum DisplayText {
    /// Whether `scalar` is shown as an escape: controls (NUL, ESC, line feed, tab, C1),
    /// format characters (zero-width space and joiners, bidirectional controls, the
    /// byte-order mark, soft hyphen), line and paragraph separators, and spaces other than
    /// U+0020.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x20, scalar.value < 0x7F { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator,
            .surrogate, .unassigned, .privateUse:
            return true
        default:
            return false
        }
    }

    /// `\u{200B}`: the escape of `scalar`.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` with every character of ``needsEscape(_:)`` escaped.
    public static func escaped(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
