import ShotKit

extension LanguageServer {
    /// `textDocument/formatting`: the document in `shotc fmt`'s canonical layout, as one edit of
    /// the whole text; no edit when it is already formatted or has syntax errors (which the
    /// diagnostics show).
    func formatting(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        guard case .formatted(let text) = SceneFormatter.format(path: document.path, bytes: document.bytes),
            Array(text.utf8) != document.bytes
        else { return .array([]) }
        return .array([
            .object([("range", document.lines.range(0, document.bytes.count)), ("newText", .string(text))])
        ])
    }
}
