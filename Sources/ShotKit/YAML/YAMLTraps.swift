/// The YAML mistakes writers make most, read from where libyaml stopped: a plain value that
/// starts with `@`, a `: ` inside an unquoted value, a tab in indentation. Each gets its own
/// message and, when the value fits on its line, a fix-it that quotes it.
enum YAMLTraps {
    /// A diagnostic for libyaml's `error` in `file` when it is one of the known traps, else nil.
    static func diagnostic(for error: YAMLSyntaxError, in file: SourceFile) -> Diagnostic? {
        let bytes = file.bytes
        let offset = error.span.start
        guard offset >= 0, offset <= bytes.count else { return nil }
        let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        var lineEnd = offset
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
        var indentEnd = lineStart
        while indentEnd < lineEnd, bytes[indentEnd] == 0x20 || bytes[indentEnd] == 0x09 { indentEnd += 1 }
        func span(_ start: Int, _ end: Int) -> SourceSpan { SourceSpan(file: file.id, start: start, end: end) }
        if error.problem.contains("cannot start any token"), offset < bytes.count {
            if bytes[offset] == 0x09, offset < indentEnd {
                let spaces = String(
                    decoding: bytes[lineStart..<indentEnd].flatMap { $0 == 0x09 ? [0x20, 0x20] : [$0] },
                    as: UTF8.self)
                return .tabIndentation(
                    at: span(offset, offset + 1), indentation: span(lineStart, indentEnd), spaces: spaces)
            }
            if bytes[offset] == UInt8(ascii: "@") || bytes[offset] == UInt8(ascii: "`") {
                let character = bytes[offset] == UInt8(ascii: "@") ? "@" : "`"
                let fix = quoting(from: offset, lineEnd: lineEnd, indentEnd: indentEnd, lineStart: lineStart, in: file)
                return .yamlReservedStart(character, at: span(offset, offset + 1), fixIt: fix)
            }
        }
        if error.problem.contains("mapping values are not allowed") {
            // The value starts after the line's first `: ` (past a `- ` of a list item).
            var cursor = indentEnd
            if cursor + 1 < lineEnd, bytes[cursor] == UInt8(ascii: "-"), bytes[cursor + 1] == 0x20 { cursor += 2 }
            var valueStart: Int? = nil
            while cursor + 1 < lineEnd {
                if bytes[cursor] == UInt8(ascii: ":"), bytes[cursor + 1] == 0x20 {
                    valueStart = cursor + 2
                    break
                }
                cursor += 1
            }
            var fix: FixIt? = nil
            if var start = valueStart, start < offset {
                while start < lineEnd, bytes[start] == 0x20 { start += 1 }
                fix = quoting(from: start, lineEnd: lineEnd, indentEnd: indentEnd, lineStart: lineStart, in: file)
            }
            return .yamlColonInValue(at: span(offset, min(offset + 1, bytes.count)), fixIt: fix)
        }
        return nil
    }

    /// A fix-it putting the value from `start` to the end of its line (before a ` #` comment)
    /// in double quotes; machine-applicable when no more-indented line continues it.
    static func quoting(from start: Int, lineEnd: Int, indentEnd: Int, lineStart: Int, in file: SourceFile) -> FixIt? {
        let bytes = file.bytes
        var end = lineEnd
        var index = start
        while index + 1 < lineEnd {
            if bytes[index] == 0x20, bytes[index + 1] == UInt8(ascii: "#") {
                end = index
                break
            }
            index += 1
        }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard end > start else { return nil }
        let value = String(decoding: bytes[start..<end], as: UTF8.self)
        guard !value.hasPrefix("\"") && !value.hasPrefix("'") else { return nil }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        // A plain value continued on more-indented lines is not on one line: quoting only the
        // first would change it, so the fix-it is offered but not applied by itself.
        var next = lineEnd
        var continued = false
        while next < bytes.count {
            while next < bytes.count, bytes[next] == 0x0A || bytes[next] == 0x0D { next += 1 }
            var indent = next
            while indent < bytes.count, bytes[indent] == 0x20 { indent += 1 }
            if indent < bytes.count, bytes[indent] == 0x0A || bytes[indent] == 0x0D {
                next = indent
                continue
            }
            continued =
                indent < bytes.count && indent - next > indentEnd - lineStart
                && bytes[indent] != UInt8(ascii: "#")
            break
        }
        return FixIt(
            "quote the value",
            edits: [TextEdit(SourceSpan(file: file.id, start: start, end: end), "\"" + escaped + "\"")],
            machineApplicable: !continued)
    }
}
