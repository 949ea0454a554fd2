import Foundation
import ShotKit

/// What the output folder holds for a shot's record.
public enum StoredRecord: Sendable {
    /// No record.
    case none
    /// A record that reads.
    case record(RunRecord)
    /// A file that is not a readable record: it may describe a paid request, so it is never
    /// overwritten without `--force`.
    case damaged(path: String, reason: String)
}

/// The output folder of a scene's renders: videos, records, the upload cache and the lock.
public struct RunStore: Sendable {
    /// The folder.
    public let directory: String
    /// The scene file whose renders these are, as given (nil when unknown, e.g. for `cancel`).
    public let scenePath: String?

    /// The store in `directory` for the scene at `scenePath`.
    public init(directory: String, scenePath: String? = nil) {
        self.directory = directory
        self.scenePath = scenePath
    }

    /// The scene's name: its file name without the extension (`greenhouse` for
    /// `scenes/greenhouse.shot` and `scenes/greenhouse.yaml` alike).
    public static func sceneName(of scenePath: String) -> String {
        let file = scenePath.split(separator: "/").last.map(String.init) ?? scenePath
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// The default output folder of a scene: `renders/SCENE/` beside the scene file, so the
    /// `.shot` and YAML forms of a scene share their renders and two scenes never do.
    public static func defaultDirectory(forScene scenePath: String) -> String {
        Path.join(Path.join(Path.directory(of: scenePath), "renders"), sceneName(of: scenePath))
    }

    // MARK: Paths

    /// `DIR/NAME.mp4`.
    public func videoPath(_ shot: String) -> String { Path.join(directory, shot + ".mp4") }
    /// `DIR/NAME.run.json`.
    public func recordPath(_ shot: String) -> String { Path.join(directory, shot + ".run.json") }
    /// `DIR/.shotc-uploads.json`.
    public var uploadCachePath: String { Path.join(directory, ".shotc-uploads.json") }

    // MARK: The scene a record belongs to

    /// The scene file as a record names it: relative to the output folder.
    public var sceneReference: String? {
        scenePath.map { Self.relativePath(from: Self.absolute(directory), to: Self.absolute($0)) }
    }

    /// `path` (a picture, relative to the working folder or absolute) as records name it: relative
    /// to the output folder.
    public func recordedPath(of path: String) -> String {
        Self.relativePath(from: Self.absolute(directory), to: Self.absolute(path))
    }

    /// Whether `record` is this scene's: it names a scene file that is this one, up to the
    /// extension (`x.shot` and `x.yaml` share renders). Records that name no scene are taken as
    /// this scene's (they come from before shotc named scenes).
    public func belongsToScene(_ record: RunRecord) -> Bool {
        guard let scenePath, let recorded = record.scene else { return true }
        let theirs = Path.join(Self.absolute(directory), recorded)
        return Self.withoutExtension(theirs) == Self.withoutExtension(Self.absolute(scenePath))
    }

    private static func withoutExtension(_ path: String) -> String {
        Path.join(Path.directory(of: path), sceneName(of: path))
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? Path.normalize(path) : Path.join(FileManager.default.currentDirectoryPath, path)
    }

    /// The path of `target` seen from the folder `base`; both absolute and normalized.
    static func relativePath(from base: String, to target: String) -> String {
        let from = base.split(separator: "/")
        let to = target.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = to[common...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    // MARK: Records

    /// What the folder holds for `shot`.
    public func load(_ shot: String) -> StoredRecord {
        let path = recordPath(shot)
        let bytes: [UInt8]
        do {
            bytes = try LocalFileSystem().read(path)
        } catch .notFound {
            return .none
        } catch {
            return .damaged(path: path, reason: "\(error)")
        }
        do {
            var record = try RunRecord.parse(bytes)
            record.shot = shot
            return .record(record)
        } catch {
            return .damaged(path: path, reason: error.reason)
        }
    }

    /// The record of `shot`, if there is a readable one.
    public func record(_ shot: String) -> RunRecord? {
        if case .record(let record) = load(shot) { return record }
        return nil
    }

    /// The shot names that have a record file in the folder, sorted.
    public func recordedShots() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".run.json") }.map { String($0.dropLast(".run.json".count)) }
    }

    /// Every readable record in the folder.
    public func allRecords() -> [RunRecord] {
        recordedShots().compactMap(record)
    }

    /// Every record file in the folder that cannot be read, with why.
    public func damagedRecords() -> [(path: String, reason: String)] {
        recordedShots().compactMap { shot in
            if case .damaged(let path, let reason) = load(shot) { return (path, reason) }
            return nil
        }
    }

    /// Writes `record` atomically and durably (flushed, renamed, folder flushed), stamping
    /// ``RunRecord/updatedAt`` with the time of writing.
    public func save(_ record: RunRecord) throws(FileWriteError) {
        var record = record
        record.updatedAt = timestamp()
        try AtomicFile.makeDirectory(directory)
        try AtomicFile.write(record.json.bytes(pretty: true) + [0x0A], to: recordPath(record.shot))
    }

    // MARK: Upload cache

    /// The upload cache's key for a file with content hash `hash` (`sha256:…`) stored at `cdn`:
    /// a URL from one storage host is never reused for another.
    public static func uploadCacheKey(cdn: String, hash: String) -> String { cdn + " " + hash }

    /// The upload cache: fal URL by ``uploadCacheKey(cdn:hash:)``; empty when missing or unreadable
    /// (it only saves uploads, losing it costs nothing).
    public func uploadCache() -> [String: String] {
        guard let bytes = try? LocalFileSystem().read(uploadCachePath),
            let fields = (try? JSONValue.parse(bytes))?.objectFields
        else { return [:] }
        var cache: [String: String] = [:]
        for (key, value) in fields {
            if let url = value.stringValue { cache[key] = url }
        }
        return cache
    }

    /// Writes the upload cache atomically, keys sorted.
    public func saveUploadCache(_ cache: [String: String]) throws(FileWriteError) {
        try AtomicFile.makeDirectory(directory)
        let json = JSONValue.object(cache.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        try AtomicFile.write(json.bytes(pretty: true) + [0x0A], to: uploadCachePath)
    }
}
