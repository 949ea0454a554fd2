// In-process compile timing for bench/model-cost.sh: Compiler.compile plus the request JSON of
// every shot (local paths as written, bytes counted, not printed), as `shotc build
// --keep-paths` does without process start-up and output. Uses only API that the revisions
// compared both have.
import Foundation

@main
struct CompileBench {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3, let runs = Int(arguments[2]) else {
            print("usage: compile-bench FILE RUNS")
            return
        }
        let path = arguments[1]
        var samples: [Double] = []
        var bytes = 0
        for _ in 0..<runs {
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                let compilation = Compiler.compile(path: path)
                guard let scene = compilation.scene else { fatalError("\(path) has errors") }
                var builder = RequestBuilder(scene: scene)
                var count = 0
                var writer = JSONWriter(pretty: true) { chunk in
                    count += chunk.count
                    chunk.removeAll(keepingCapacity: true)
                }
                do {
                    try builder.emitArray(scene.shots, images: .writtenPaths, into: &writer)
                } catch {
                    fatalError("\(error)")
                }
                writer.finish()
                bytes = count
            }
            samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        samples.sort()
        print(String(format: "median %.2f ms  min %.2f ms  (%d runs, %d bytes of JSON)", samples[samples.count / 2], samples[0], runs, bytes))
    }
}
