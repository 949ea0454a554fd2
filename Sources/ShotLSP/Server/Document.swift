import ShotKit

/// An open text document: its text as the editor has it, and the analysis of that text.
final class Document {
    /// The URI the client names it by.
    let uri: String
    /// The path it is compiled as.
    let path: String
    /// The client's version number.
    var version: Int
    /// The text.
    private(set) var bytes: [UInt8]
    /// Line starts of the text.
    private(set) var lines: LineTable
    /// The analysis of the text and of the workspace state at ``indexGeneration``.
    var index: SceneIndex?
    /// The workspace generation the index was built at.
    var indexGeneration = -1

    init(uri: String, path: String, version: Int, bytes: [UInt8]) {
        self.uri = uri
        self.path = path
        self.version = version
        self.bytes = bytes
        self.lines = LineTable(bytes)
    }

    /// Replaces the text.
    func setText(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.lines = LineTable(bytes)
    }

    /// Applies one `contentChanges` entry: a range edit, or the whole text when it has no range.
    func apply(_ change: JSONValue) throws(RPCError) {
        guard let text = change["text"]?.stringValue else {
            throw .invalidParams("a content change needs 'text'")
        }
        guard let range = change["range"], !range.isNull else {
            setText(Array(text.utf8))
            return
        }
        guard let start = LSPPosition(range["start"]), let end = LSPPosition(range["end"]), start <= end
        else { throw .invalidParams("a content change has a malformed 'range'") }
        let from = lines.offset(of: start)
        let to = max(from, lines.offset(of: end))
        var updated = bytes
        updated.replaceSubrange(from..<to, with: Array(text.utf8))
        setText(updated)
    }
}
