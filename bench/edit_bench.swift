// The re-analysis benchmark of issue 8: a one-character edit of a 200-shot scene, compiled
// again with an AnalysisCache (what a language server does after each keystroke), against a
// compile from nothing. Built by bench/edit.sh with ShotKit's sources in one module.
import Foundation

@main
struct EditBench {
    static func main() throws {
        let shots = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200 : 200
        let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 200 : 200
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotc-edit-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder + "/refs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // A 512×512 PNG header: what the compiler reads of an image.
        let png: [UInt8] =
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
            + [0, 0, 2, 0, 0, 0, 2, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0]
        var cast = "# the cast\n"
        var names: [String] = []
        for index in 0..<20 {
            let name = "actor\(index)"
            names.append(name)
            for suffix in ["front", "side", "back"] {
                _ = FileManager.default.createFile(atPath: "\(folder)/refs/\(name)-\(suffix).png", contents: Data(png))
            }
            cast += "\(index % 3 == 0 ? "prop" : "character") \(name)\n  front refs/\(name)-front.png\n"
            cast += "  refs  refs/\(name)-side.png, refs/\(name)-back.png\n  note  number \(index)\n\n"
        }
        for index in 0..<6 {
            names.append("look\(index)")
            cast += "style look\(index) https://example.com/look\(index).png\n"
        }
        try cast.write(toFile: folder + "/cast.shot", atomically: false, encoding: .utf8)
        var scene = "import \"cast.shot\"\nduration 5s\n\n"
        for index in 0..<shots {
            let a = names[index % 20], b = names[(index * 7 + 3) % 20], c = names[20 + index % 6]
            scene += "shot s\(index) \(3 + index % 8)s\n  @\(a) crosses the room towards @\(b), who waits by the window.\n"
            scene += "  The light is low; @\(a) stops. Colour of @\(c).\n\n"
        }
        let path = folder + "/scene.shot"
        try scene.write(toFile: path, atomically: false, encoding: .utf8)
        var text = Array(scene.utf8)
        // The character edited: the 'w' of "window" in the middle shot.
        let marker = Array("shot s\(shots / 2) ".utf8)
        guard let start = (0...(text.count - marker.count)).first(where: { Array(text[$0..<($0 + marker.count)]) == marker }),
            let window = (start..<text.count).first(where: { text[$0] == UInt8(ascii: "w") && text[$0 + 1] == UInt8(ascii: "i") })
        else { fatalError("no edit point") }

        func time(_ body: () -> Compilation) -> (Double, Compilation) {
            let clock = ContinuousClock()
            var result: Compilation? = nil
            let elapsed = clock.measure { result = body() }
            let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            return (ms, result!)
        }
        func summary(_ label: String, _ samples: [Double]) {
            let sorted = samples.sorted()
            let median = sorted[sorted.count / 2]
            let p90 = sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
            print(String(format: "%-46@ median %6.3f ms  p90 %6.3f ms  min %6.3f ms  (%d runs)", label as NSString, median, p90, sorted[0], sorted.count))
        }

        // From nothing: what `shotc check` does once.
        var cold: [Double] = []
        for _ in 0..<max(20, rounds / 4) {
            let (ms, compilation) = time { Compiler.compile(path: path, text: text) }
            precondition(compilation.scene != nil, "the scene has errors")
            cold.append(ms)
        }
        var cache = AnalysisCache()
        _ = Compiler.compile(path: path, text: text, cache: &cache)
        var edits: [Double] = []
        for round in 0..<rounds {
            text[window] = round % 2 == 0 ? UInt8(ascii: "W") : UInt8(ascii: "w")
            let (ms, compilation) = time { Compiler.compile(path: path, text: text, cache: &cache) }
            precondition(compilation.scene != nil, "the scene has errors")
            precondition(compilation.model.shots.count == shots)
            edits.append(ms)
        }
        print("scene: \(shots) shots, \(text.count) bytes, importing a cast of 26 declarations with 60 local images")
        summary("compile from nothing (no cache)", cold)
        summary("one-character edit, compiled with the cache", edits)
        print("files parsed \(cache.parsedFiles), reused \(cache.reusedFiles); images read \(cache.images.reads)")
    }
}
