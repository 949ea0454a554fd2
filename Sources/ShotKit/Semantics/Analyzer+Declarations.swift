/// Declarations and names: the walk over a scene's files, in the order the scene reads.
extension Analyzer {
    /// Walks a file's items in order, an import's items where the import stands.
    mutating func collect(_ tree: SceneSyntax, diagnostics: inout DiagnosticBag) {
        guard visited.insert(tree.file).inserted else { return }
        let isRoot = tree.file == loaded.root
        let surface = tree.surface
        for item in tree.items {
            switch item {
            case .importFile(let item):
                if let target = loaded.importTargets[item.path.span],
                    let imported = loaded.trees[target]
                {
                    collect(imported, diagnostics: &diagnostics)
                }
            case .setting(let setting):
                if !isRoot { diagnostics.report(.ignoredSetting(setting.key)) }
            case .declaration(let declaration):
                declare(declaration, in: tree.file, surface: surface, diagnostics: &diagnostics)
            case .shot(let shot):
                // The `.shot` parser checks names as it reads them; YAML's are mapping keys.
                if surface == .yaml {
                    NameRule.check(shot.name, what: "shot", diagnostics: &diagnostics)
                }
                if shot.name.value.utf8.count > Self.maxShotNameBytes {
                    diagnostics.report(.shotNameTooLong(shot.name, maxBytes: Self.maxShotNameBytes))
                }
                // One hash per name: the first use stays, put back over a duplicate.
                if let first = shotNames.updateValue(shot.name.span, forKey: shot.name.value) {
                    shotNames[shot.name.value] = first
                    diagnostics.report(.duplicateShotName(shot.name, first: first))
                }
                shotSyntax.append(shot)
            }
        }
    }

    private static let tokenPrefixes = [Array("element".utf8), Array("image".utf8)]

    /// Whether `name` is `element` or `image` in any case followed by digits (no allocation:
    /// it runs for every mention).
    static func isPositionalToken(_ name: String) -> Bool {
        let utf8 = name.utf8
        for prefix in tokenPrefixes where utf8.count > prefix.count {
            var index = utf8.startIndex
            var matches = true
            for expected in prefix {
                // ORing 0x20 lowercases an ASCII letter; the prefixes are letters only.
                if utf8[index] | 0x20 != expected {
                    matches = false
                    break
                }
                index = utf8.index(after: index)
            }
            if matches, utf8[index...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        }
        return false
    }

    private mutating func declare(
        _ declaration: DeclarationSyntax, in file: FileID, surface: SurfaceSyntax,
        diagnostics: inout DiagnosticBag
    ) {
        let name = declaration.name
        if surface == .yaml {
            NameRule.check(name, what: declaration.kind.rawValue, diagnostics: &diagnostics)
        }
        if Self.isPositionalToken(name.value) { diagnostics.report(.reservedName(name)) }
        if let first = referenceIndex[name.value] {
            let other = references[first]
            diagnostics.report(.duplicateName(name, firstKind: other.kind, first: other.nameSpan))
            return
        }
        var reference = Reference(
            name: name.value, kind: declaration.kind, nameSpan: name.span, primary: nil,
            referenceImages: [], note: nil)
        var pictures: [SemanticModel.Picture] = []
        var note: Located<String>? = nil
        // A block the front end already reported errors in would only repeat them here.
        let broken = declaration.recovered
        if declaration.kind.isElement {
            let front = declaration.field("front")
            let refs = declaration.field("refs")
            note = declaration.field("note")?.values.first
            reference.note = note?.value
            if let value = front?.values.first {
                reference.primary = checkImage(value, of: declaration, in: file, front: true, diagnostics: &diagnostics)
                pictures.append(.init(role: .front, written: value, image: reference.primary))
            } else if !broken {
                diagnostics.report(.missingFront(declaration.kind, name))
            }
            let refValues = refs?.values ?? []
            if !broken, refValues.isEmpty || refValues.count > 3 {
                diagnostics.report(
                    .refsCount(
                        declaration.kind, name.value, count: refValues.count,
                        at: refs?.key.span ?? name.span))
            }
            for value in refValues {
                let image = checkImage(value, of: declaration, in: file, front: false, diagnostics: &diagnostics)
                pictures.append(.init(role: .reference, written: value, image: image))
                if let image { reference.referenceImages.append(image) }
            }
        } else if let value = declaration.image {
            reference.primary = checkImage(value, of: declaration, in: file, front: false, diagnostics: &diagnostics)
            pictures.append(.init(role: .image, written: value, image: reference.primary))
        }
        referenceIndex[name.value] = references.count
        names.insert(name.value, value: references.count)
        references.append(reference)
        referenceFiles.append(file)
        model.declarations.append(
            SemanticModel.Declaration(
                kind: declaration.kind, name: name.value, nameSpan: name.span,
                span: declaration.span, file: file, pictures: pictures, note: note))
    }
}
