import ShotKit

/// What the server tells the client it can do, in its answer to `initialize`.
extension LanguageServer {
    /// The names of the semantic token types, in legend order.
    static let tokenTypes = ["variable", "unresolvedReference"]
    /// The names of the semantic token modifiers, in legend order (bit 0 first).
    static let tokenModifiers = ["declaration", "character", "prop", "image", "style"]

    /// The answer to `initialize`: the capabilities and the server's name and version.
    static let initializeResult: JSONValue = .object([
        (
            "capabilities",
            .object([
                ("positionEncoding", .string("utf-16")),
                (
                    "textDocumentSync",
                    .object([
                        ("openClose", .bool(true)), ("change", .int(2)),
                        ("save", .object([("includeText", .bool(false))])),
                    ])
                ),
                (
                    "completionProvider",
                    .object([("triggerCharacters", .array([.string("@"), .string(" ")]))])
                ),
                ("hoverProvider", .bool(true)),
                ("definitionProvider", .bool(true)),
                ("referencesProvider", .bool(true)),
                ("renameProvider", .object([("prepareProvider", .bool(true))])),
                ("documentSymbolProvider", .bool(true)),
                ("documentFormattingProvider", .bool(true)),
                ("codeActionProvider", .object([("codeActionKinds", .array([.string("quickfix")]))])),
                (
                    "semanticTokensProvider",
                    .object([
                        (
                            "legend",
                            .object([
                                ("tokenTypes", .array(tokenTypes.map(JSONValue.string))),
                                ("tokenModifiers", .array(tokenModifiers.map(JSONValue.string))),
                            ])
                        ),
                        ("full", .bool(true)),
                    ])
                ),
            ])
        ),
        ("serverInfo", .object([("name", .string("shotc")), ("version", .string("0.1.0"))])),
    ])
}
