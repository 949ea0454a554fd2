/// The `.shot` front end: source bytes to ``SceneSyntax`` (spec section 4, `grammar/shot.ebnf`).
public enum ShotFrontEnd {
    /// Parses `file` as `.shot`, reporting every syntax error of the file to `diagnostics`
    /// (each once), and returns the tree of what could be read. Never fails or traps: a
    /// broken line is skipped (with its indented block when the line opens one) and parsing
    /// goes on with the next top-level line.
    public static func parse(_ file: SourceFile, diagnostics: inout DiagnosticBag) -> SceneSyntax {
        var parser = ShotParser(file: file, diagnostics: &diagnostics)
        return parser.parseScene(diagnostics: &diagnostics)
    }
}
