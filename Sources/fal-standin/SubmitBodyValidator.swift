/// Checks a submit body against the Kling O1 reference-to-video rules
/// (`kling-o1-ref2video.schema.json` plus the limits a schema cannot express, fal-protocol.md section 5),
/// producing fal's 422 `detail` entries: `{"loc":["body",...],"msg":...,"type":...}` in pydantic's style.
struct SubmitBodyValidator {
    /// The most references an input may have: count(elements) + count(image_urls).
    static let maximumReferences = 7
    /// The allowed `duration` strings.
    static let durations = (3...10).map(String.init)
    /// The allowed `aspect_ratio` strings.
    static let aspectRatios = ["16:9", "9:16", "1:1"]

    /// The stand-in's own `/files/` prefix, e.g. `http://127.0.0.1:PORT/files/`.
    let ownFilesPrefix: String
    /// Whether a path such as `/files/1/a.png` names an uploaded file.
    let fileExists: (String) -> Bool

    /// The 422 `detail` entries for `body`; empty when it is acceptable.
    func problems(in body: JSON) -> [JSON] {
        guard let members = body.objectValue else {
            return [Self.problem(["body"], "Input should be a valid dictionary", "dict_type")]
        }
        var problems: [JSON] = []
        switch members["prompt"] {
        case nil:
            problems.append(Self.problem(["body", "prompt"], "Field required", "missing"))
        case .string(let prompt)? where prompt.isEmpty:
            problems.append(
                Self.problem(["body", "prompt"], "String should have at least 1 character", "string_too_short"))
        case .string?:
            break
        case .some:
            problems.append(Self.problem(["body", "prompt"], "Input should be a valid string", "string_type"))
        }
        checkChoice(members["duration"], named: "duration", among: Self.durations, into: &problems)
        checkChoice(members["aspect_ratio"], named: "aspect_ratio", among: Self.aspectRatios, into: &problems)

        var referenceCount = 0
        if let imageURLs = members["image_urls"] {
            if let elements = imageURLs.arrayValue {
                referenceCount += elements.count
                for (index, element) in elements.enumerated() {
                    checkURL(element, at: ["body", "image_urls", .integer(index)], into: &problems)
                }
            } else {
                problems.append(Self.problem(["body", "image_urls"], "Input should be a valid list", "list_type"))
            }
        }
        if let elements = members["elements"] {
            if let list = elements.arrayValue {
                referenceCount += list.count
                for (index, element) in list.enumerated() {
                    checkElement(element, at: ["body", "elements", .integer(index)], into: &problems)
                }
            } else {
                problems.append(Self.problem(["body", "elements"], "Input should be a valid list", "list_type"))
            }
        }
        if referenceCount > Self.maximumReferences {
            problems.append(
                Self.problem(
                    ["body"],
                    "Value error, at most \(Self.maximumReferences) references in total (elements + image_urls), got \(referenceCount)",
                    "value_error"))
        }
        return problems
    }

    /// One `detail` entry.
    static func problem(_ location: [JSON], _ message: String, _ type: String) -> JSON {
        ["loc": .array(location), "msg": .string(message), "type": .string(type)]
    }

    private func checkChoice(_ value: JSON?, named name: String, among choices: [String], into problems: inout [JSON]) {
        guard let value else { return }
        let quoted = choices.map { "'\($0)'" }
        let expected = quoted.dropLast().joined(separator: ", ") + " or " + (quoted.last ?? "")
        guard let text = value.stringValue, choices.contains(text) else {
            problems.append(Self.problem(["body", .string(name)], "Input should be \(expected)", "literal_error"))
            return
        }
    }

    private func checkElement(_ element: JSON, at location: [JSON], into problems: inout [JSON]) {
        guard let members = element.objectValue else {
            problems.append(Self.problem(location, "Input should be a valid dictionary", "dict_type"))
            return
        }
        if let frontal = members["frontal_image_url"] {
            checkURL(frontal, at: location + ["frontal_image_url"], into: &problems)
        } else {
            problems.append(Self.problem(location + ["frontal_image_url"], "Field required", "missing"))
        }
        let referencesLocation = location + ["reference_image_urls"]
        guard let references = members["reference_image_urls"] else {
            problems.append(Self.problem(referencesLocation, "Field required", "missing"))
            return
        }
        guard let list = references.arrayValue else {
            problems.append(Self.problem(referencesLocation, "Input should be a valid list", "list_type"))
            return
        }
        if list.isEmpty {
            problems.append(
                Self.problem(
                    referencesLocation, "List should have at least 1 item after validation, not 0", "too_short"))
        } else if list.count > 3 {
            problems.append(
                Self.problem(
                    referencesLocation, "List should have at most 3 items after validation, not \(list.count)",
                    "too_long"))
        }
        for (index, reference) in list.enumerated() {
            checkURL(reference, at: referencesLocation + [.integer(index)], into: &problems)
        }
    }

    private func checkURL(_ value: JSON, at location: [JSON], into problems: inout [JSON]) {
        guard let url = value.stringValue else {
            problems.append(Self.problem(location, "Input should be a valid string", "string_type"))
            return
        }
        let lowercased = url.lowercased()
        guard lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") || lowercased.hasPrefix("data:")
        else {
            problems.append(Self.problem(location, "URL should start with http://, https:// or data:", "url_scheme"))
            return
        }
        if url.hasPrefix(ownFilesPrefix) {
            let path = "/files/" + url.dropFirst(ownFilesPrefix.count)
            if !fileExists(path) {
                problems.append(
                    Self.problem(
                        location, "Failed to download the file: \(url) was never uploaded", "file_download_error"))
            }
        }
    }
}
