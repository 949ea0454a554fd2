import ShotKit

extension LanguageServer {
    /// Compiles `document` and publishes its diagnostics. Problems in files it imports are
    /// shown on the import that leads to them.
    func publishDiagnostics(_ document: Document) {
        let index = index(document)
        write(
            RPCOutput.notification(
                "textDocument/publishDiagnostics",
                .object([
                    ("uri", .string(document.uri)), ("version", .int(document.version)),
                    ("diagnostics", .array(diagnostics(of: document, index).map(\.json))),
                ])))
    }

    /// The diagnostics of `document` as LSP values, in source order, with the compiler's
    /// diagnostic each came from.
    func diagnostics(of document: Document, _ index: SceneIndex) -> [(json: JSONValue, source: Diagnostic)] {
        let compilation = index.compilation
        let root = compilation.root
        return compilation.diagnostics.sorted.map { diagnostic in
            var message = diagnostic.message
            let range: JSONValue
            if let span = diagnostic.span, span.file == root {
                range = document.lines.range(span.start, span.end)
            } else if let span = diagnostic.span {
                // In an imported file: point at the import of the root that leads there.
                range = importRange(leadingTo: span.file, in: index, document: document)
                message = "in \(compilation.sources.describe(span)): " + message
            } else {
                range = document.lines.range(0, 0)
            }
            for help in diagnostic.help { message += "\nhelp: " + help }
            var fields: [(String, JSONValue)] = [
                ("range", range),
                ("severity", .int(diagnostic.severity == .error ? 1 : 2)),
                ("code", .string(diagnostic.code.id)),
                ("source", .string("shotc")),
                ("message", .string(message)),
            ]
            let related = diagnostic.notes.compactMap { note -> JSONValue? in
                guard let span = note.span else { return nil }
                return .object([("location", location(span, in: index)), ("message", .string(note.message))])
            }
            if !related.isEmpty { fields.append(("relatedInformation", .array(related))) }
            let notesWithoutPlace = diagnostic.notes.filter { $0.span == nil }.map(\.message)
            if !notesWithoutPlace.isEmpty {
                fields[4].1 = .string(message + notesWithoutPlace.map { "\nnote: " + $0 }.joined())
            }
            // What `shotc explain CODE` says, for clients that show it.
            fields.append(
                (
                    "data",
                    .object([
                        ("title", .string(diagnostic.code.title)),
                        ("explanation", .string(diagnostic.code.explanation)),
                    ])
                ))
            return (.object(fields), diagnostic)
        }
    }

    /// The range of the root's import through which `file` was read (the first import when
    /// the chain cannot be told), from the model's import graph.
    private func importRange(leadingTo file: FileID, in index: SceneIndex, document: Document) -> JSONValue {
        let model = index.model
        guard let root = index.compilation.root else { return document.lines.range(0, 0) }
        let rootImports = model.imports.filter { $0.importer == root }
        for item in rootImports {
            guard let target = item.target else { continue }
            var seen: Set<FileID> = [target]
            var queue = [target]
            while let next = queue.popLast() {
                if next == file { return document.lines.range(item.span.start, item.span.end) }
                for found in model.imports(of: next) where seen.insert(found).inserted { queue.append(found) }
            }
        }
        if let first = rootImports.first { return document.lines.range(first.span.start, first.span.end) }
        return document.lines.range(0, 0)
    }
}
