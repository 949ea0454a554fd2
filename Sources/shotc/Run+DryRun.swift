import FalKit
import Foundation
import ShotKit
import ShotRunner

/// `--dry-run`: what would be uploaded, submitted and skipped, and the cost, as text or JSON.
extension Run {
    /// `--dry-run` as text: the endpoint, the output folder, the uploads, each shot's action
    /// and the estimate.
    func printDryRun(_ plans: [ShotPlan], scene: CompiledScene, store: RunStore) {
        let submitting = plans.filter(\.action.submits)
        var out = "dry run: nothing is sent\n"
        out += "endpoint: \(scene.endpointID)\noutput: \(store.directory)\n"
        let uploads = dryRunUploads(of: submitting, scene: scene, store: store)
        if !uploads.isEmpty {
            out += "uploads (each distinct file once):\n"
            for upload in uploads {
                let size = upload.bytes.map { "\($0) bytes" } ?? "unreadable"
                out += "  \(upload.path)  \(size)\(upload.reused ? ", uploaded before: reused" : "")\n"
            }
        }
        out += "shots:\n"
        for plan in plans { out += "  \(plan.shot.name)  \(plan.action.summary)\n" }
        Terminal.write(out)
        Terminal.write(CostEstimate(scene: scene, shots: submitting.map(\.shot)).report)
    }

    /// `--dry-run --json`: one object per shot (its action and cost), one per upload, one total.
    func printDryRunJSON(_ plans: [ShotPlan], scene: CompiledScene, store: RunStore) {
        let submitting = plans.filter(\.action.submits)
        let estimate = CostEstimate(scene: scene, shots: submitting.map(\.shot))
        var lines: [JSONValue] = []
        for plan in plans {
            let mills = plan.action.submits ? estimate.mills(of: plan.shot) : 0
            lines.append(
                .object([
                    ("event", .string("plan")), ("shot", .string(plan.shot.name)),
                    ("action", .string(plan.action.summary)), ("submits", .bool(plan.action.submits)),
                    ("seconds", .int(plan.shot.duration)), ("cost", .string(CostEstimate.dollars(mills))),
                    ("cost_mills", .int(mills)),
                ]))
        }
        for upload in dryRunUploads(of: submitting, scene: scene, store: store) {
            lines.append(
                .object([
                    ("event", .string("upload")), ("file", .string(upload.path)),
                    ("bytes", upload.bytes.map(JSONValue.int) ?? .null), ("reused", .bool(upload.reused)),
                ]))
        }
        lines.append(
            .object([
                ("event", .string("total")), ("endpoint", .string(scene.endpointID)),
                ("output", .string(store.directory)),
                ("shots", .int(plans.count)), ("submits", .int(submitting.count)),
                ("seconds", .int(submitting.reduce(0) { $0 + $1.shot.duration })),
                ("cost", .string(CostEstimate.dollars(estimate.totalMills))), ("cost_mills", .int(estimate.totalMills)),
            ]))
        Terminal.write(lines.map { $0.rendered(pretty: false) + "\n" }.joined())
    }

    /// The local files the submitting shots would upload: size, and whether an earlier upload
    /// is reused (by content hash, per storage host).
    private func dryRunUploads(
        of submitting: [ShotPlan], scene: CompiledScene, store: RunStore
    )
        -> [(path: String, bytes: Int?, reused: Bool)]
    {
        let files = RequestBuilder(scene: scene).localFiles(of: submitting.map(\.shot))
        guard !files.isEmpty else { return [] }
        let cdn =
            (try? FalEndpoints.fromEnvironment(ProcessInfo.processInfo.environment).cdn)
            ?? FalEndpoints.production.cdn
        let hashes = (try? ShotPlanner.hashLocalFiles(of: submitting.map(\.shot), in: scene)) ?? [:]
        let cache = store.uploadCache()
        return files.map { path in
            let reused = hashes[path].map { cache[RunStore.uploadCacheKey(cdn: cdn, hash: $0)] != nil } ?? false
            return (path, try? LocalFileSystem().size(path), reused)
        }
    }
}
