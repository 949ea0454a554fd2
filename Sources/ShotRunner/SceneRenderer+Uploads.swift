import Crypto
import FalKit
import Foundation
import ShotKit
import Synchronization

/// Each local file's fal URL for this run, or why it has none.
final class UploadTable: Sendable {
    private struct Entry {
        var url: String?
        var failure: String?
        var fromCache = false
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The URL of `path`, if it has one.
    func url(_ path: String) -> String? { entries.withLock { $0[path]?.url } }
    /// Why `path` has no URL, if its upload failed.
    func failure(_ path: String) -> String? { entries.withLock { $0[path]?.failure } }
    /// Whether `path`'s URL came from an earlier run.
    func isFromCache(_ path: String) -> Bool { entries.withLock { $0[path]?.fromCache ?? false } }
    /// Every URL, by path.
    var urls: [String: String] { entries.withLock { $0.compactMapValues(\.url) } }

    func set(_ path: String, url: String, fromCache: Bool) {
        entries.withLock { $0[path] = Entry(url: url, failure: nil, fromCache: fromCache) }
    }

    func set(_ path: String, failure: String) {
        entries.withLock { $0[path] = Entry(url: nil, failure: failure) }
    }
}

/// The upload cache of the output folder while a run uses it.
final class UploadCache: Sendable {
    private let urls: Mutex<[String: String]>
    private let store: RunStore

    /// The cache as the folder holds it.
    init(store: RunStore) {
        self.store = store
        urls = Mutex(store.uploadCache())
    }

    /// The cached URL for `key`.
    func url(_ key: String) -> String? { urls.withLock { $0[key] } }

    /// Remembers `url` for `key` and writes the cache file (best effort: it only saves uploads).
    /// Written under the lock, so a later version never loses to an earlier one.
    func remember(_ url: String, for key: String) {
        urls.withLock { urls in
            urls[key] = url
            try? store.saveUploadCache(urls)
        }
    }
}

extension SceneRenderer {
    /// Uploads each distinct local file of `shots` once, reusing URLs from earlier runs (by content
    /// hash) while fal still serves them. Failures are kept per file: only the shots that use a
    /// file that could not be uploaded fail.
    func uploadImages(of shots: [CompiledShot], into table: UploadTable) async {
        let files = RequestBuilder(scene: scene).localFiles(of: shots)
        guard !files.isEmpty else { return }
        let cache = UploadCache(store: store)
        await withTaskGroup(of: Void.self) { group in
            var pending = files[...]
            func startNext() {
                guard let path = pending.popFirst() else { return }
                group.addTask { await self.upload(path, cache: cache, into: table, reuse: true) }
            }
            for _ in 0..<min(4, files.count) { startNext() }
            while await group.next() != nil { startNext() }
        }
    }

    /// Uploads `path` (or takes its cached URL when `reuse` and fal still serves it), recording the
    /// outcome in `table` and new URLs in the cache file.
    func upload(_ path: String, cache: UploadCache, into table: UploadTable, reuse: Bool) async {
        let bytes: [UInt8]
        do {
            bytes = try LocalFileSystem().read(path)
        } catch {
            table.set(path, failure: "cannot read '\(path)': \(error)")
            return
        }
        let key = RunStore.uploadCacheKey(cdn: client.endpoints.cdn, hash: "sha256:" + hex(SHA256.hash(data: bytes)))
        if reuse, let url = cache.url(key) {
            // fal's storage can expire uploads: check before relying on one (nothing is paid here).
            if await client.isServed(url: url) != false {
                table.set(path, url: url, fromCache: true)
                report(.uploaded(file: path, url: url, cached: true))
                return
            }
            notice("fal no longer serves the earlier upload of '\(path)'; uploading it again")
        }
        if let reason = stopReason {
            table.set(path, failure: reason)
            return
        }
        report(.uploading(file: path, bytes: bytes.count))
        let format = ImageProbe.format(of: bytes[...])
        let name = path.split(separator: "/").last.map(String.init) ?? "image"
        let started = Date()
        do {
            let url = try await client.upload(
                data: bytes, contentType: format?.mimeType ?? "application/octet-stream", fileName: name)
            table.set(path, url: url, fromCache: false)
            report(.uploaded(file: path, url: url, cached: false))
            cache.remember(url, for: key)
        } catch {
            noteRunWide(error, elapsed: Date().timeIntervalSince(started), url: client.endpoints.rest)
            table.set(path, failure: "upload of '\(path)' failed: \(error)")
        }
    }

    /// Forgets the cached uploads of `paths` and uploads them again (after fal could not download
    /// them). True when every one has a fresh URL.
    func reupload(_ paths: [String], into table: UploadTable) async -> Bool {
        let cache = UploadCache(store: store)
        for path in paths {
            await upload(path, cache: cache, into: table, reuse: false)
        }
        return paths.allSatisfy { table.url($0) != nil }
    }
}
