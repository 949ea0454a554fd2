import Foundation
import ShotKit
import ShotRunner

/// Writes the storyboard page: one self-contained HTML file (CSS and JS inline), every text from
/// the scene escaped. Data attributes are the page's stable hooks for tools and tests.
struct BoardPage {
    /// How the page names a local file.
    enum Links {
        /// Relative to the page's folder (`shotc board`).
        case relative(pageDirectory: String)
        /// Pictures inlined as `data:` URIs, videos relative (`--embed`).
        case embedded(pageDirectory: String)
        /// Through the preview server: `/f/ABSOLUTE-PATH`.
        case served
    }

    /// What the page shows.
    let data: BoardData
    /// How it names local files.
    let links: Links
    /// The preview server's version of the page; the page polls `/version` when set.
    var serveVersion: Int?

    /// Cards whose pictures load with the page; those after them load when scrolled to.
    static let eagerCards = 12
    /// Whether the pictures being written load lazily.
    private var lazy = false

    /// Bytes of pictures inlined so far (for `--embed`'s warning).
    private(set) var embeddedBytes = 0
    private var embedCache: [String: String] = [:]

    /// A page of `data`.
    init(data: BoardData, links: Links, serveVersion: Int? = nil) {
        self.data = data
        self.links = links
        self.serveVersion = serveVersion
    }

    /// The page.
    mutating func render() -> String {
        var out = ""
        out.reserveCapacity(16_384 + data.shots.count * 2_048)
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        // No favicon request: the page asks for nothing it does not show.
        out += "<link rel=\"icon\" href=\"data:,\">\n"
        out += "<title>\(escape(data.title)) · storyboard</title>\n<style>\(Self.css)</style>\n</head>\n"
        out += "<body\(serveVersion.map { " data-serve-version=\"\($0)\"" } ?? "")>\n"
        out += header()
        if !data.diagnostics.isEmpty { out += diagnostics() }
        out += timeline()
        out += "<div class=\"layout\">\n"
        out += cast()
        out += "<main class=\"cards\">\n"
        for (index, shot) in data.shots.enumerated() {
            // Pictures of the cards far below the first screen load as they come into view.
            lazy = index >= Self.eagerCards
            out += card(shot)
        }
        lazy = false
        if data.shots.isEmpty { out += "<p class=\"empty\">No shots to show.</p>\n" }
        out += "</main>\n</div>\n"
        out += animatic()
        out += "<script>\(Self.script)</script>\n</body>\n</html>\n"
        return out
    }

    // MARK: Parts

    private func header() -> String {
        let seconds = data.totalSeconds
        let state: String
        if data.errorCount > 0 {
            state = "not checked: the scene has errors"
        } else {
            let ready = data.shots.filter { $0.state == .upToDate }.count
            state = "\(ready) of \(data.shots.count) rendered and up to date"
        }
        var out =
            "<header class=\"top\" data-total-seconds=\"\(seconds)\" data-total-cost=\"\(plainDollars(data.totalMills))\""
        out += " data-cost-to-spend=\"\(plainDollars(data.millsToSpend))\" data-shot-count=\"\(data.shots.count)\">\n"
        out += "<div class=\"title\"><h1>\(escape(data.title))</h1>"
        out +=
            "<button type=\"button\" id=\"play\" class=\"play\"\(data.shots.isEmpty ? " disabled" : "")>▶ Play the animatic</button></div>\n"
        out += "<dl class=\"facts\">"
        out += "<div><dt>model</dt><dd>Kling O1 \(escape(data.model.rawValue))</dd></div>"
        out += "<div><dt>running time</dt><dd>\(clock(seconds))</dd></div>"
        out += "<div><dt>shots</dt><dd>\(data.shots.count)</dd></div>"
        out += "<div><dt>estimated cost</dt><dd>\(CostEstimate.dollars(data.totalMills))</dd></div>"
        out +=
            "<div><dt>still to spend</dt><dd>\(data.errorCount > 0 ? "—" : CostEstimate.dollars(data.millsToSpend))</dd></div>"
        out += "<div><dt>renders</dt><dd>\(escape(state))</dd></div>"
        out += "</dl>\n</header>\n"
        return out
    }

    private func diagnostics() -> String {
        let kind = data.errorCount > 0 ? "errors" : "warnings"
        var out =
            "<section class=\"diagnostics \(kind)\" data-errors=\"\(data.errorCount)\" data-warnings=\"\(data.warningCount)\">\n"
        if data.errorCount > 0 {
            out += "<h2>The scene has errors: fix them and the cards show tokens, pictures and render states</h2>\n"
        } else {
            out += "<h2>Warnings</h2>\n"
        }
        out += "<pre>\(escape(data.diagnostics))</pre>\n</section>\n"
        return out
    }

    private func timeline() -> String {
        guard !data.shots.isEmpty else { return "" }
        var out = "<nav class=\"timeline\" aria-label=\"timeline\">"
        var start = 0
        for shot in data.shots {
            let state = shot.state?.rawValue ?? "unchecked"
            let title = "\(shot.name): \(clock(start))–\(clock(start + shot.duration)), \(label(shot.state))"
            out +=
                "<a class=\"seg s-\(state)\" href=\"#shot-\(escape(shot.name))\" style=\"flex-grow:\(shot.duration)\""
            out +=
                " data-shot=\"\(escape(shot.name))\" title=\"\(escape(title))\"><span>\(escape(shot.name))</span></a>"
            start += shot.duration
        }
        out += "</nav>\n"
        return out
    }

    private mutating func cast() -> String {
        var out = "<aside class=\"cast\" aria-label=\"cast\">\n<h2>Cast</h2>\n"
        out += "<p class=\"hint\">Click a name to show only the shots that use it.</p>\n"
        out += "<button type=\"button\" class=\"show-all\" hidden>Show every shot</button>\n<ul>\n"
        for (index, reference) in data.references.enumerated() {
            out +=
                "<li><button type=\"button\" class=\"cast-item\" data-cast=\"\(escape(reference.name))\" style=\"--h:\(hue(index))\">"
            if let primary = reference.primary {
                out += thumbnail(primary, name: reference.name, kind: "thumb")
            }
            out +=
                "<span class=\"who\"><span class=\"name\">\(escape(reference.name))</span> <span class=\"kind\">\(reference.kind.rawValue)</span></span>"
            if let note = reference.note, !note.isEmpty { out += "<span class=\"note\">\(escape(note))</span>" }
            let uses = reference.shots.isEmpty ? "no shot mentions it" : "in " + reference.shots.joined(separator: ", ")
            out += "<span class=\"uses\">\(escape(uses))</span>"
            if !reference.angles.isEmpty {
                out += "<span class=\"angles\">"
                for angle in reference.angles {
                    out += thumbnail(angle, name: reference.name + " (angle)", kind: "angle")
                }
                out += "</span>"
            }
            out += "</button></li>\n"
        }
        out += "</ul>\n</aside>\n"
        return out
    }

    private mutating func card(_ shot: BoardData.Shot) -> String {
        let refs = Set(
            shot.prose.compactMap { segment -> String? in
                if case .mention(let name, _, _) = segment { name } else { nil }
            })
        let aspectClass = "a" + shot.aspect.replacingOccurrences(of: ":", with: "x")
        var out =
            "<article class=\"card\(lazy ? " later" : "")\" id=\"shot-\(escape(shot.name))\" data-shot=\"\(escape(shot.name))\""
        if let state = shot.state { out += " data-state=\"\(state.rawValue)\"" }
        out +=
            " data-duration=\"\(shot.duration)\" data-aspect=\"\(escape(shot.aspect))\" data-cost=\"\(plainDollars(shot.mills))\""
        out += " data-refs=\" \(escape(refs.sorted().joined(separator: " "))) \">\n"
        // The frame: the video where there is one, else the start frame.
        out +=
            "<div class=\"framebox\"><div class=\"frame \(escape(aspectClass))\" data-aspect=\"\(escape(shot.aspect))\">"
        if let video = shot.video {
            out += "<video src=\"\(escape(videoURL(video)))\" controls muted playsinline preload=\"metadata\"></video>"
        } else if let start = startFrame(shot) {
            out += thumbnail(start, name: "start frame", kind: "start", attributes: " data-start")
        } else {
            out += "<span class=\"blank\">no picture</span>"
        }
        out += "</div></div>\n<div class=\"body\">\n"
        out += "<div class=\"line\"><h2>\(escape(shot.name))</h2>"
        out += "<span class=\"pill\">\(shot.duration) s</span><span class=\"pill\">\(escape(shot.aspect))</span>"
        out += "<span class=\"pill cost\">\(CostEstimate.dollars(shot.mills))</span>"
        out +=
            "<span class=\"state s-\(shot.state?.rawValue ?? "unchecked")\">\(escape(label(shot.state)))</span></div>\n"
        let reasons = shot.state == .upToDate && shot.reasons.isEmpty ? [] : shot.reasons
        if !reasons.isEmpty, shot.state != .new {
            out += "<p class=\"reason\">\(escape(reasons.joined(separator: "; ")))</p>\n"
        }
        if let video = shot.video, shot.state == .stale {
            out +=
                "<p class=\"reason\">The video shown is the earlier render (<a href=\"\(escape(videoURL(video)))\">\(escape(Self.lastComponent(video)))</a>).</p>\n"
        }
        out += "<p class=\"prose\">"
        for segment in shot.prose {
            switch segment {
            case .text(let text):
                out += escape(text)
            case .mention(let name, let reference, let token):
                out += "<span class=\"chip\(reference == nil ? " unknown" : "")\" data-ref=\"\(escape(name))\""
                if let token { out += " data-token=\"\(escape(token))\"" }
                if let reference { out += " style=\"--h:\(hue(reference))\"" }
                out += "><span class=\"n\">\(escape(name))</span>"
                if let token { out += "<span class=\"t\"> → \(escape(token))</span>" }
                out += "</span>"
            }
        }
        out += "</p>\n"
        if !shot.sent.isEmpty {
            out += "<div class=\"sent\" aria-label=\"pictures sent\">"
            for sent in shot.sent where sent.reference < data.references.count {
                let reference = data.references[sent.reference]
                out +=
                    "<figure class=\"pic\" data-token=\"\(escape(sent.token))\" data-ref=\"\(escape(reference.name))\" style=\"--h:\(hue(sent.reference))\">"
                out += "<div class=\"imgs\">"
                if let primary = reference.primary {
                    out += thumbnail(
                        primary, name: reference.name, kind: "front",
                        attributes: " data-token=\"\(escape(sent.token))\"")
                }
                if !reference.angles.isEmpty {
                    out += "<div class=\"small\">"
                    for angle in reference.angles {
                        out += thumbnail(
                            angle, name: reference.name + " (angle)", kind: "angle",
                            attributes: " data-token=\"\(escape(sent.token))\"")
                    }
                    out += "</div>"
                }
                out += "</div><figcaption><b>\(escape(sent.token))</b> \(escape(reference.name))</figcaption></figure>"
            }
            out += "</div>\n"
        }
        out += "</div>\n</article>\n"
        return out
    }

    private func animatic() -> String {
        """
        <div id="animatic" class="animatic" hidden role="dialog" aria-label="animatic">
        <div class="stage"><div class="aframe"></div></div>
        <div class="abar"><span class="ashot"></span><span class="aclock">0:00.0</span>
        <button type="button" class="apause">Pause</button><button type="button" class="aclose">Close</button></div>
        <p class="acaption"></p>
        </div>

        """
    }

    // MARK: Pictures and links

    /// The start frame: the first `@Image`, else the first element's front; a remote picture
    /// (which the page never loads) only when there is nothing else to show.
    private func startFrame(_ shot: BoardData.Shot) -> BoardData.Picture? {
        let images = shot.sent.filter { $0.token.hasPrefix("@Image") }
        let elements = shot.sent.filter { $0.token.hasPrefix("@Element") }
        let pictures = (images + elements).compactMap { sent in
            sent.reference < data.references.count ? data.references[sent.reference].primary : nil
        }
        return pictures.first { if case .remote = $0 { false } else { true } } ?? pictures.first
    }

    /// A picture: `kind` is its class, `attributes` (each with a leading space) are added as they are.
    private mutating func thumbnail(
        _ picture: BoardData.Picture, name: String, kind: String, attributes: String = ""
    ) -> String {
        let loading = lazy ? " loading=\"lazy\"" : ""
        switch picture {
        case .local(let path):
            return
                "<img class=\"\(kind)\" src=\"\(escape(pictureURL(path)))\" alt=\"\(escape(name))\"\(attributes)\(loading)>"
        case .data(let uri):
            return "<img class=\"\(kind)\" src=\"\(escape(uri))\" alt=\"\(escape(name))\"\(attributes)\(loading)>"
        case .remote(let url):
            // Never loaded: the page works offline and sends nothing.
            let host = URL(string: url)?.host ?? url
            return
                "<a class=\"remote \(kind)\" href=\"\(escape(url))\" title=\"\(escape(url))\"\(attributes) rel=\"noreferrer\">"
                + "<span>remote picture</span><span class=\"host\">\(escape(host))</span></a>"
        }
    }

    private mutating func pictureURL(_ path: String) -> String {
        switch links {
        case .relative(let directory): return Self.relativeURL(from: directory, to: path)
        case .served: return Self.servedURL(path)
        case .embedded(let directory):
            if let cached = embedCache[path] { return cached }
            guard let bytes = FileManager.default.contents(atPath: path) else {
                return Self.relativeURL(from: directory, to: path)
            }
            let uri = "data:\(Self.mimeType(Array(bytes.prefix(16))));base64,\(bytes.base64EncodedString())"
            embeddedBytes += uri.utf8.count
            embedCache[path] = uri
            return uri
        }
    }

    private func videoURL(_ path: String) -> String {
        switch links {
        case .relative(let directory), .embedded(let directory): Self.relativeURL(from: directory, to: path)
        case .served: Self.servedURL(path)
        }
    }

    /// `../../refs/glowing%20stone.png`.
    static func relativeURL(from directory: String, to path: String) -> String {
        let from = directory.split(separator: "/")
        let to = path.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...].map { percentEncode(String($0)) }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `/f/` and the percent-encoded absolute path.
    static func servedURL(_ path: String) -> String {
        "/f" + path.split(separator: "/").map { "/" + percentEncode(String($0)) }.joined()
    }

    /// A path component with everything but unreserved ASCII percent-encoded.
    static func percentEncode(_ component: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return component.addingPercentEncoding(withAllowedCharacters: allowed) ?? component
    }

    /// The MIME type of a picture, from its first bytes.
    static func mimeType(_ head: [UInt8]) -> String {
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if head.count >= 12, head[0..<4] == ArraySlice(Array("RIFF".utf8)),
            head[8..<12] == ArraySlice(Array("WEBP".utf8))
        {
            return "image/webp"
        }
        return "application/octet-stream"
    }

    private static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    // MARK: Text

    /// `text` safe in element content and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func escape(_ text: String) -> String { Self.escape(text) }

    /// A hue per declaration, spread round the wheel (golden angle), the same everywhere on the page.
    private func hue(_ index: Int) -> Int { (index * 137 + 200) % 360 }

    /// `1:05`.
    private func clock(_ seconds: Int) -> String { "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)" }

    /// `1.092` (dollars, exact).
    private func plainDollars(_ mills: Int) -> String { String(CostEstimate.dollars(mills).dropFirst()) }

    private func label(_ state: RenderState?) -> String { state?.label ?? "not checked" }
}
