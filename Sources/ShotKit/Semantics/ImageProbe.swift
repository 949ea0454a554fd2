/// An image format recognised by its bytes.
public enum ImageFormat: String, Sendable {
    /// PNG (accepted by Kling).
    case png
    /// JPEG (accepted by Kling).
    case jpeg
    /// WebP (not documented as accepted).
    case webp
    /// GIF (not documented as accepted).
    case gif

    /// The MIME type, for `data:` URIs and uploads.
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        case .gif: "image/gif"
        }
    }

    /// Whether Kling documents the format as accepted.
    public var isAcceptedByKling: Bool { self == .png || self == .jpeg }
}

/// What a local image file's header says.
public struct ImageInfo: Hashable, Sendable {
    /// The format, from the bytes.
    public var format: ImageFormat
    /// Width in pixels, when the header was read that far.
    public var width: Int?
    /// Height in pixels.
    public var height: Int?
    /// The file's size in bytes.
    public var byteCount: Int

    /// The header facts of one file.
    public init(format: ImageFormat, width: Int?, height: Int?, byteCount: Int) {
        self.format = format
        self.width = width
        self.height = height
        self.byteCount = byteCount
    }
}

/// Reads the format and pixel size from the first bytes of a PNG, JPEG, WebP or GIF file.
public enum ImageProbe {
    /// How many bytes to read first; JPEG headers past it (large EXIF blocks) make the caller
    /// read the whole file.
    public static let prefixLength = 65536

    /// The format of `bytes`, judged by signature only.
    public static func format(of bytes: ArraySlice<UInt8>) -> ImageFormat? {
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count
                && zip(bytes.dropFirst(offset), signature).allSatisfy { $0 == $1 }
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        return nil
    }

    /// The format and, when the header is within `bytes`, the pixel size.
    public static func probe(_ bytes: [UInt8], byteCount: Int) -> ImageInfo? {
        let slice = bytes[...]
        guard let format = format(of: slice) else { return nil }
        let size: (Int, Int)?
        switch format {
        case .png: size = pngSize(slice)
        case .jpeg: size = jpegSize(slice)
        case .gif: size = gifSize(slice)
        case .webp: size = webpSize(slice)
        }
        return ImageInfo(format: format, width: size?.0, height: size?.1, byteCount: byteCount)
    }

    /// Why the pixel size of an image of `format` was not found, as a diagnostic says it.
    public static func sizeProblem(of format: ImageFormat) -> String {
        switch format {
        case .png: "its PNG header has no complete IHDR chunk first"
        case .jpeg: "its JPEG header has no readable start-of-frame segment"
        case .gif: "its GIF header is cut short"
        case .webp: "its WebP header is cut short or of a kind shotc does not read"
        }
    }

    private static func be16(_ b: ArraySlice<UInt8>, _ at: Int) -> Int? {
        let i = b.startIndex + at
        guard i >= b.startIndex, i + 1 < b.endIndex else { return nil }
        return Int(b[i]) << 8 | Int(b[i + 1])
    }

    private static func be32(_ b: ArraySlice<UInt8>, _ at: Int) -> Int? {
        guard let high = be16(b, at), let low = be16(b, at + 2) else { return nil }
        return high << 16 | low
    }

    private static func le16(_ b: ArraySlice<UInt8>, _ at: Int) -> Int? {
        let i = b.startIndex + at
        guard i >= b.startIndex, i + 1 < b.endIndex else { return nil }
        return Int(b[i]) | Int(b[i + 1]) << 8
    }

    private static func le24(_ b: ArraySlice<UInt8>, _ at: Int) -> Int? {
        let i = b.startIndex + at
        guard i >= b.startIndex, i + 2 < b.endIndex else { return nil }
        return Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16
    }

    /// IHDR is the first chunk, 13 bytes long: width and height at offsets 16 and 20.
    private static func pngSize(_ b: ArraySlice<UInt8>) -> (Int, Int)? {
        guard b.count >= 29, be32(b, 8) == 13, Array(b.dropFirst(12).prefix(4)) == Array("IHDR".utf8),
            let width = be32(b, 16), let height = be32(b, 20)
        else { return nil }
        return (width, height)
    }

    /// Walks the JPEG markers to the first start-of-frame (SOF0–SOF15 but DHT, JPG, DAC).
    private static func jpegSize(_ b: ArraySlice<UInt8>) -> (Int, Int)? {
        var offset = 2
        var steps = 0
        while offset + 3 < b.count, steps < 10_000 {
            steps += 1
            guard b[b.startIndex + offset] == 0xFF else { return nil }
            let marker = b[b.startIndex + offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            // Markers without a length.
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            guard let length = be16(b, offset + 2), length >= 2 else { return nil }
            let isFrame =
                (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8
                && marker != 0xCC
            if isFrame {
                // Length, precision, height and width: 7 bytes at least.
                guard length >= 7, let height = be16(b, offset + 5), let width = be16(b, offset + 7) else {
                    return nil
                }
                return (width, height)
            }
            if marker == 0xDA || marker == 0xD9 { return nil }
            offset += 2 + length
        }
        return nil
    }

    private static func gifSize(_ b: ArraySlice<UInt8>) -> (Int, Int)? {
        guard let width = le16(b, 6), let height = le16(b, 8) else { return nil }
        return (width, height)
    }

    private static func webpSize(_ b: ArraySlice<UInt8>) -> (Int, Int)? {
        guard b.count >= 30 else { return nil }
        let chunk = String(decoding: b.dropFirst(12).prefix(4), as: UTF8.self)
        switch chunk {
        case "VP8 ":
            guard let width = le16(b, 26), let height = le16(b, 28) else { return nil }
            return (width & 0x3FFF, height & 0x3FFF)
        case "VP8L":
            let i = b.startIndex + 21
            guard i + 3 < b.endIndex else { return nil }
            let bits = Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            guard let width = le24(b, 24), let height = le24(b, 27) else { return nil }
            return (width + 1, height + 1)
        default:
            return nil
        }
    }
}
