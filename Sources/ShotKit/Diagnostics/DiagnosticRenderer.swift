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
        out += paint(.bold, ": \(DisplayText.escaped(diagnostic.message))") + "\n"
        if let span = diagnostic.span {
            out += snippet(span, width: width, caretColor: diagnostic.severity == .error ? .red : .yellow)
        }
        for note in diagnostic.notes {
            let message = DisplayText.escaped(note.message)
            if let span = note.span {
                out += paint(.bold, describe(span) + ": ") + paint(.cyan, "note") + ": \(message)\n"
                out += snippet(span, width: width, caretColor: .cyan)
            } else {
                out +=
                    String(repeating: " ", count: width + 1) + paint(.blue, "=") + " "
                    + paint(.bold, "note") + ": \(message)\n"
            }
        }
        for help in diagnostic.help {
            out +=
                String(repeating: " ", count: width + 1) + paint(.blue, "=") + " "
                + paint(.bold, "help") + ": \(DisplayText.escaped(help))\n"
        }
        return out
    }

    /// `path:line:column` of the start of `span`.
    public func describe(_ span: SourceSpan) -> String { sources.describe(span) }

    private func location(_ span: SourceSpan) -> SourceLocation {
        sources[span.file].location(of: span.start)
    }

    /// The gutter, the source line and carets under the span's part on that line.
    ///
    /// The line is shown as ``shownLine(_:)`` shows it, and the carets are placed by the same
    /// columns, so a span that starts past the line's end (at a `\r`, or at the end of the
    /// file) still gets its caret at the end of the line.
    private func snippet(_ span: SourceSpan, width: Int, caretColor: Color) -> String {
        let file = sources[span.file]
        let start = file.location(of: span.start)
        let lineRange = file.lineRange(start.line)
        let shown = shownLine(file.bytes[lineRange])
        // Carets cover the span's part of its first line, at least one caret.
        let caretStart = min(max(span.start, lineRange.lowerBound), lineRange.upperBound)
        let caretEnd = min(max(span.end, caretStart), lineRange.upperBound)
        let before = shown.columns[caretStart - lineRange.lowerBound]
        let under = max(1, shown.columns[caretEnd - lineRange.lowerBound] - before)
        let gutter = String(repeating: " ", count: width + 1) + paint(.blue, "|")
        let number = String(start.line)
        let padded = String(repeating: " ", count: width - number.count) + number
        var out = gutter + "\n"
        out += paint(.blue, padded + " |") + (shown.text.isEmpty ? "" : " " + shown.text) + "\n"
        out +=
            gutter + " " + String(repeating: " ", count: before)
            + paint(caretColor, String(repeating: "^", count: under)) + "\n"
        return out
    }

    /// A source line as shown: a tab as four spaces, a byte-order mark as nothing, invalid
    /// UTF-8 as U+FFFD, an invisible or control character as its escape (``DisplayText``);
    /// with the screen column before each byte offset (`columns[i]` for the `i`th byte,
    /// `columns[count]` at the end), counting one per character shown. Built as bytes: a
    /// snippet is made for every diagnostic, and a line may be long.
    private func shownLine(_ bytes: ArraySlice<UInt8>) -> (text: String, columns: [Int]) {
        let line = Array(bytes)
        var shown: [UInt8] = []
        shown.reserveCapacity(line.count)
        var columns = [Int](repeating: 0, count: line.count + 1)
        var column = 0
        var index = 0
        func append(escapeOf value: UInt32) {
            let escape = DisplayText.escape(Unicode.Scalar(value) ?? "\u{FFFD}")
            shown += escape.utf8
            column += escape.utf8.count
        }
        while index < line.count {
            let byte = line[index]
            var length = 1
            columns[index] = column
            if byte >= 0x20, byte < 0x7F {
                shown.append(byte)
                column += 1
            } else if byte == UInt8(ascii: "\t") {
                shown += [0x20, 0x20, 0x20, 0x20]
                column += 4
            } else if byte < 0x80 {
                append(escapeOf: UInt32(byte))
            } else {
                length = Lexer.utf8SequenceLength(in: line, at: index)
                if length == 0 {
                    length = 1
                    shown += [0xEF, 0xBF, 0xBD]  // U+FFFD
                    column += 1
                } else {
                    var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for offset in 1..<length { value = value << 6 | UInt32(line[index + offset] & 0x3F) }
                    let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                    if value == 0xFEFF, bytes.startIndex + index == 0 {
                        // A byte-order mark at the start of the file takes no column.
                    } else if DisplayText.needsEscape(scalar) {
                        append(escapeOf: value)
                    } else {
                        shown += line[index..<(index + length)]
                        column += 1
                    }
                }
                // Inside a character, the column before it.
                for offset in (index + 1)..<(index + length) { columns[offset] = columns[index] }
            }
            index += length
        }
        columns[line.count] = column
        return (String(decoding: shown, as: UTF8.self), columns)
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

/// Renders diagnostics as JSON Lines (`--diagnostics json`): one object per diagnostic with
/// `file`, `line`, `column`, `endLine`, `endColumn`, `severity`, `code`, `message`, `notes`
/// (each with `message` and, when it has a place, `file`, `line`, `column`, `endLine`,
/// `endColumn`), `help` and `fixIts` (each with `message`, `machineApplicable` and `edits`). Messages, notes and help escape invisible characters as
/// the human form does (``DisplayText``); `file` is the path exactly, for tools to open, and
/// fix-it replacements are the text to insert.
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
            return [
                ("file", .null), ("line", .null), ("column", .null), ("endLine", .null),
                ("endColumn", .null),
            ]
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
            ("message", .string(DisplayText.escaped(diagnostic.message))),
            (
                "notes",
                .array(
                    diagnostic.notes.map { note in
                        .object(
                            [("message", .string(DisplayText.escaped(note.message)))] + (note.span.map(place) ?? []))
                    })
            ),
            ("help", .array(diagnostic.help.map { .string(DisplayText.escaped($0)) })),
            (
                "fixIts",
                .array(
                    diagnostic.fixIts.map { fixIt in
                        .object([
                            ("message", .string(fixIt.message)),
                            ("machineApplicable", .bool(fixIt.isMachineApplicable)),
                            (
                                "edits",
                                .array(
                                    fixIt.edits.map { edit in
                                        .object(place(edit.span) + [("replacement", .string(edit.replacement))])
                                    })
                            ),
                        ])
                    })
            ),
        ]
        return fields
    }
}
