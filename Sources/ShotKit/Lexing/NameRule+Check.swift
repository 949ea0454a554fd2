extension NameRule {
    /// Reports E0010 when `name` breaks the name rule: the one check of both syntaxes. The
    /// `.shot` parser calls it as it reads a name (`what` nil: the keyword shows what it
    /// names); the analyzer calls it for YAML, whose names are mapping keys.
    static func check(_ name: Located<String>, what: String?, diagnostics: inout DiagnosticBag) {
        guard !isValid(name.value) else { return }
        diagnostics.report(.invalidName(name, what: what))
    }
}
