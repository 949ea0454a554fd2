/// Renders diagnostics for people, in the format of spec section 3:
///
/// ```
/// scenes/greenhouse.shot:14:27: error[E0101]: unknown reference '@mra'
///    |
/// 14 |   flies inside, revealing @mra standing in the sun-drenched center.
///    |                           ^^^^
///    = help: did you mean '@mara'? (character declared at scenes/greenhouse.shot:3:11)
/// ```
///
/// Notes with a span get a header and a snippet of their own. Colour is a decorator
/// (``Style``): the same text with ANSI escapes around parts, used only on a terminal.
public struct DiagnosticRenderer: Sendable {
    /// How the parts of a diagnostic are decorated.
    public enum Style: Sendable {
        /// Plain text, for files, pipes and tests.
        case plain
        /// ANSI colours, for a terminal.
        case ansi
    }

    /// The files the spans point into.
    public var sources: SourceMap
    /// The decoration.
    public var style: Style

    /// A renderer of diagnostics into `sources`.
    public init(sources: SourceMap, style: Style = .plain) {
        self.sources = sources
        self.style = style
    }

    /// All of `diagnostics`, each followed by an empty line, in the order given.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { render($0) + "\n" }.joined()
    }

    /// One diagnostic, ending with a line feed.
    public func render(_ diagnostic: Diagnostic) -> String {
        let spans = [diagnostic.span].compactMap { $0 } + diagnostic.notes.compactMap(\.span)
        let width = spans.map { String(location($0).line).count }.max() ?? 1
        let severity = diagnostic.severity.rawValue
        var out = ""
        let prefix = diagnostic.span.map { describe($0) + ": " } ?? ""
        out += paint(.bold, prefix)
        out += paint(diagnostic.severity == .error ? .red : .yellow, "\(severity)[\(diagnostic.code.id)]")
        out += paint(.bold, ": \(diagnostic.message)") + "\n"
        if let span = diagnostic.span {
            out += snippet(span, width: width, caretColor: diagnostic.severity == .error ? .red : .yellow)
        }
        for note in diagnostic.notes {
            if let span = note.span {
                out += paint(.bold, describe(span) + ": ") + paint(.cyan, "note") + ": \(note.message)\n"
                out += snippet(span, width: width, caretColor: .cyan)
            } else {
                out += String(repeating: " ", count: width + 1) + paint(.blue, "=") + " "
                    + paint(.bold, "note") + ": \(note.message)\n"
            }
        }
        for help in diagnostic.help {
            out += String(repeating: " ", count: width + 1) + paint(.blue, "=") + " "
                + paint(.bold, "help") + ": \(help)\n"
        }
        return out
    }

    /// `path:line:column` of the start of `span`.
    public func describe(_ span: SourceSpan) -> String { sources.describe(span) }

    private func location(_ span: SourceSpan) -> SourceLocation {
        sources[span.file].location(of: span.start)
    }

    /// The gutter, the source line and carets under the span's part on that line.
    private func snippet(_ span: SourceSpan, width: Int, caretColor: Color) -> String {
        let file = sources[span.file]
        let start = file.location(of: span.start)
        let lineRange = file.lineRange(start.line)
        let lineBytes = file.bytes[lineRange]
        // Carets cover the span's part of its first line, at least one caret.
        let caretStart = max(span.start, lineRange.lowerBound)
        let caretEnd = min(max(span.end, caretStart), lineRange.upperBound)
        let before = displayWidth(file.bytes[lineRange.lowerBound..<min(caretStart, lineRange.upperBound)])
        let under = max(1, displayWidth(file.bytes[caretStart..<caretEnd]))
        let gutter = String(repeating: " ", count: width + 1) + paint(.blue, "|")
        let number = String(start.line)
        let padded = String(repeating: " ", count: width - number.count) + number
        var text = String(decoding: lineBytes, as: UTF8.self)
        text = text.replacingTabs()
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var out = gutter + "\n"
        out += paint(.blue, padded + " |") + (text.isEmpty ? "" : " " + text) + "\n"
        out += gutter + " " + String(repeating: " ", count: before)
            + paint(caretColor, String(repeating: "^", count: under)) + "\n"
        return out
    }

    /// Columns that `bytes` take on screen: one per Unicode scalar, four per tab, none for a
    /// byte-order mark.
    private func displayWidth(_ bytes: ArraySlice<UInt8>) -> Int {
        var width = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0xEF, index + 2 < bytes.endIndex, bytes[index + 1] == 0xBB,
                bytes[index + 2] == 0xBF
            {
                index += 3
                continue
            }
            if byte == UInt8(ascii: "\t") {
                width += 4
            } else if byte & 0xC0 != 0x80 {
                width += 1
            }
            index += 1
        }
        return width
    }

    private enum Color: String {
        case red = "\u{1B}[1;31m"
        case yellow = "\u{1B}[1;33m"
        case blue = "\u{1B}[1;34m"
        case cyan = "\u{1B}[1;36m"
        case bold = "\u{1B}[1m"
    }

    private func paint(_ color: Color, _ text: String) -> String {
        switch style {
        case .plain: text
        case .ansi: text.isEmpty ? text : color.rawValue + text + "\u{1B}[0m"
        }
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        guard contains("\t") else { return self }
        return String(flatMap { $0 == "\t" ? Array("    ") : [$0] })
    }
}

/// Renders diagnostics as JSON Lines (`--diagnostics json`): one object per diagnostic with
/// `file`, `line`, `column`, `endLine`, `endColumn`, `severity`, `code`, `message`, `notes`
/// (each with `message` and, when it has a place, `file`, `line`, `column`, `endLine`,
/// `endColumn`), `help` and `fixIts`.
public struct JSONDiagnosticRenderer: Sendable {
    /// The files the spans point into.
    public var sources: SourceMap

    /// A renderer of diagnostics into `sources`.
    public init(sources: SourceMap) { self.sources = sources }

    /// One line per diagnostic, each ending with a line feed.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { JSONValue.object(fields(of: $0)).rendered(pretty: false) + "\n" }.joined()
    }

    private func place(_ span: SourceSpan?) -> [(String, JSONValue)] {
        guard let span else {
            return [("file", .null), ("line", .null), ("column", .null), ("endLine", .null),
                ("endColumn", .null)]
        }
        let file = sources[span.file]
        let start = file.location(of: span.start)
        let end = file.location(of: span.end)
        return [
            ("file", .string(file.path)), ("line", .int(start.line)), ("column", .int(start.column)),
            ("endLine", .int(end.line)), ("endColumn", .int(end.column)),
        ]
    }

    private func fields(of diagnostic: Diagnostic) -> [(String, JSONValue)] {
        var fields = place(diagnostic.span)
        fields += [
            ("severity", .string(diagnostic.severity.rawValue)),
            ("code", .string(diagnostic.code.id)),
            ("message", .string(diagnostic.message)),
            ("notes", .array(diagnostic.notes.map { note in
                .object([("message", .string(note.message))] + (note.span.map(place) ?? []))
            })),
            ("help", .array(diagnostic.help.map(JSONValue.string))),
            ("fixIts", .array(diagnostic.fixIts.map { fixIt in
                .object([
                    ("message", .string(fixIt.message)),
                    ("edits", .array(fixIt.edits.map { edit in
                        .object(place(edit.span) + [("replacement", .string(edit.replacement))])
                    })),
                ])
            })),
        ]
        return fields
    }
}
