/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable {
    /// Compilation fails; nothing is emitted or sent.
    case error
    /// Legal but probably a mistake; fails only with `--deny-warnings`.
    case warning

    private var rank: Int { self == .error ? 1 : 0 }
    /// Orders by position in the file.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary message, pointing at another place when it has a span.
public struct DiagnosticNote: Hashable, Sendable {
    /// The note's text: lowercase, no final period.
    public var message: String
    /// The place the note points at, if any.
    public var span: SourceSpan?

    /// A note saying `message`, optionally at `span`.
    public init(_ message: String, at span: SourceSpan? = nil) {
        self.message = message
        self.span = span
    }
}

/// One replacement of the text of a span.
public struct TextEdit: Hashable, Sendable {
    /// The text to replace.
    public var span: SourceSpan
    /// What to put in its place.
    public var replacement: String

    /// Replace `span` with `replacement`.
    public init(_ span: SourceSpan, _ replacement: String) {
        self.span = span
        self.replacement = replacement
    }
}

/// A suggested change that a tool (an editor, `shotc fmt`) may apply.
public struct FixIt: Hashable, Sendable {
    /// What the change does, as shown to the writer.
    public var message: String
    /// The edits, which never overlap.
    public var edits: [TextEdit]
    /// Whether the change is certain to be what the writer meant (one close match, one
    /// spelling), so a tool may apply it without asking (`shotc check --fix`).
    public var isMachineApplicable: Bool

    /// A fix-it doing `edits`; `machineApplicable` when it is certain.
    public init(_ message: String, edits: [TextEdit], machineApplicable: Bool = false) {
        self.message = message
        self.edits = edits
        self.isMachineApplicable = machineApplicable
    }
}

/// A problem found in a scene: a value, never thrown.
public struct Diagnostic: Hashable, Sendable {
    /// Error or warning (a warning may be promoted by `--deny-warnings` at the edge).
    public var severity: Severity
    /// The stable code from ``DiagnosticCode``'s registry.
    public var code: DiagnosticCode
    /// One line that stands alone: lowercase, no final period, names in quotes.
    public var message: String
    /// The primary place; nil only for problems that have no place (a file that cannot be read).
    public var span: SourceSpan?
    /// Notes, most of them pointing at other places.
    public var notes: [DiagnosticNote]
    /// `help:` lines: what to do about it.
    public var help: [String]
    /// Suggested edits.
    public var fixIts: [FixIt]

    /// A diagnostic with the code's default severity.
    public init(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        notes: [DiagnosticNote] = [], help: [String] = [], fixIts: [FixIt] = []
    ) {
        self.severity = code.severity
        self.code = code
        self.message = message
        self.span = span
        self.notes = notes
        self.help = help
        self.fixIts = fixIts
    }
}

/// The diagnostics a phase reports: every phase takes one `inout`.
public struct DiagnosticBag: Sendable {
    /// What was reported, in the order it was reported.
    public private(set) var diagnostics: [Diagnostic] = []

    /// An empty bag.
    public init() {}

    /// Adds `diagnostic`, unless the same code was already reported at the same span with the
    /// same message (front ends that recover may otherwise report one problem twice).
    public mutating func report(_ diagnostic: Diagnostic) {
        if let last = diagnostics.last, last == diagnostic { return }
        diagnostics.append(diagnostic)
    }

    /// Reports a diagnostic built from its parts.
    public mutating func report(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        notes: [DiagnosticNote] = [], help: [String] = [], fixIts: [FixIt] = []
    ) {
        report(Diagnostic(code, message, at: span, notes: notes, help: help, fixIts: fixIts))
    }

    /// Adds everything in `other`.
    public mutating func append(contentsOf other: DiagnosticBag) {
        for diagnostic in other.diagnostics { report(diagnostic) }
    }

    /// Adds `note` to the first diagnostic of `code` at `span`.
    mutating func addNote(_ note: DiagnosticNote, to code: DiagnosticCode, at span: SourceSpan) {
        guard let index = diagnostics.firstIndex(where: { $0.code == code && $0.span == span }) else { return }
        diagnostics[index].notes.append(note)
    }

    /// Whether any error was reported.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Whether an error starts inside `span` (at its start when it is empty).
    func hasError(in span: SourceSpan) -> Bool {
        diagnostics.contains {
            $0.severity == .error
                && $0.span.map {
                    $0.file == span.file && $0.start >= span.start && $0.start < max(span.end, span.start + 1)
                } ?? false
        }
    }
    /// How many errors were reported.
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    /// How many warnings were reported.
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// The diagnostics in source order (file, then offset), those without a span first,
    /// each problem once.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            switch (a.element.span, b.element.span) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            }
        }.map(\.element)
    }

    /// Turns every warning into an error (`--deny-warnings`).
    public mutating func promoteWarnings() {
        for index in diagnostics.indices where diagnostics[index].severity == .warning {
            diagnostics[index].severity = .error
        }
    }
}
