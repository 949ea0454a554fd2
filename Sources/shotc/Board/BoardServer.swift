import ArgumentParser
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1
import NIOPosix
import ShotKit

#if canImport(Glibc)
    import Glibc
#endif

/// `shotc board --serve`: the page on 127.0.0.1, made again whenever the scene, its imports, its
/// pictures or the output folder change; the page polls `/version` and reloads itself.
struct BoardServer {
    /// The scene file.
    let scenePath: String
    /// Its output folder.
    let rendersDirectory: String
    /// The port to listen on (0: a free one).
    let port: Int

    /// How often the watched files are looked at.
    static let pollInterval = DispatchTimeInterval.milliseconds(300)

    /// Serves until SIGINT or SIGTERM.
    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let state = BoardServerState(scenePath: scenePath, rendersDirectory: rendersDirectory)
        state.refresh(force: true)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(BoardHTTPHandler(state: state))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            Terminal.writeError("error: cannot listen on 127.0.0.1:\(port): \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        let boundPort = channel.localAddress?.port ?? port
        let watcherQueue = DispatchQueue(label: "shotc.board.watch")
        let timer = DispatchSource.makeTimerSource(queue: watcherQueue)
        timer.schedule(deadline: .now() + Self.pollInterval, repeating: Self.pollInterval)
        timer.setEventHandler { state.refresh(force: false) }
        timer.resume()

        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signalQueue = DispatchQueue(label: "shotc.board.signals")
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: signalQueue) }
        for source in sources {
            source.setEventHandler { channel.close(promise: nil) }
            source.resume()
        }
        Terminal.write(
            "serving the board of \(scenePath) at http://127.0.0.1:\(boundPort)/\n"
                + "watching the scene, its imports, its pictures and \(rendersDirectory); Ctrl-C stops\n")
        if let problems = state.diagnosticsOnce() { Terminal.writeError(problems) }
        try? channel.closeFuture.wait()
        timer.cancel()
        for source in sources { source.cancel() }
        try? group.syncShutdownGracefully()
        Terminal.write("stopped\n")
    }
}

/// What the server shows, shared by the watcher and the connections.
final class BoardServerState: Sendable {
    private struct Shown {
        var signature: [String] = []
        var version = 0
        var html = ""
        var servable: Set<String> = []
        var diagnostics = ""
        var watched: [String] = []
    }

    private let scenePath: String
    private let rendersDirectory: String
    private let shown = Mutex(Shown())

    /// The state of the board of `scenePath`, before its first page.
    init(scenePath: String, rendersDirectory: String) {
        self.scenePath = scenePath
        self.rendersDirectory = rendersDirectory
    }

    /// Makes the page again if a watched file changed (or when `force`).
    func refresh(force: Bool) {
        let files = shown.withLock { $0.watched }
        let scene = BoardData.absolute(scenePath)
        let directory = BoardData.absolute(rendersDirectory)
        let now = Self.signature(of: files + [scene], directory: directory)
        let changed = shown.withLock { now != $0.signature }
        guard force || changed else { return }
        let data = BoardData.gather(scenePath: scenePath, outputDirectory: rendersDirectory)
        shown.withLock { shown in
            shown.version += 1
            var page = BoardPage(data: data, links: .served, serveVersion: shown.version)
            shown.html = page.render()
            var allowed = Set<String>()
            for reference in data.references {
                for case .local(let path) in [reference.primary].compactMap({ $0 }) + reference.angles {
                    allowed.insert(path)
                }
            }
            for shot in data.shots { if let video = shot.video { allowed.insert(video) } }
            shown.servable = allowed
            shown.diagnostics = data.diagnostics
            let watchedChanged = shown.watched != data.watchedFiles
            shown.watched = data.watchedFiles
            // What was seen before reading, so that a change made while reading is not missed;
            // over the new list of files when it changed (an import added).
            shown.signature =
                force || watchedChanged
                ? Self.signature(of: shown.watched + [scene], directory: directory)
                : now
        }
    }

    /// The diagnostics of the first page, to print at start.
    func diagnosticsOnce() -> String? { shown.withLock { $0.diagnostics.isEmpty ? nil : $0.diagnostics } }

    /// The page and its version.
    var page: (html: String, version: Int) { shown.withLock { ($0.html, $0.version) } }

    /// Whether the page refers to `path`.
    func mayServe(_ path: String) -> Bool { shown.withLock { $0.servable.contains(path) } }

    /// Size and modification time of each file, and of each entry of `directory`.
    private static func signature(of files: [String], directory: String) -> [String] {
        var lines = files.map { "\($0) \(stamp($0))" }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for entry in entries.sorted() { lines.append("dir \(entry) \(stamp(directory + "/" + entry))") }
        return lines
    }

    private static func stamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "absent" }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

/// One connection: `/` the page, `/version` its version, `/f/PATH` a picture or video the page uses.
final class BoardHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    /// What NIO's HTTP decoder delivers.
    typealias InboundIn = HTTPServerRequestPart
    /// What NIO's HTTP encoder accepts.
    typealias OutboundOut = HTTPServerResponsePart

    private let state: BoardServerState
    private var head: HTTPRequestHead?

    /// A connection answering from `state`.
    init(state: BoardServerState) { self.state = state }

    /// Collects a request and answers it at its end.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            answer(requestHead, context: context)
        }
    }

    /// Any error closes the connection.
    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }

    private func answer(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard request.method == .GET || request.method == .HEAD else {
            return reply(request, .methodNotAllowed, "text/plain", Array("GET only\n".utf8), context: context)
        }
        let path = String(request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        switch path {
        case "/", "/board.html":
            let page = state.page
            reply(request, .ok, "text/html; charset=utf-8", Array(page.html.utf8), context: context)
        case "/version":
            reply(request, .ok, "text/plain", Array("\(state.page.version)\n".utf8), context: context)
        default:
            guard path.hasPrefix("/f/"), let decoded = String(path.dropFirst(2)).removingPercentEncoding,
                state.mayServe(decoded), let bytes = FileManager.default.contents(atPath: decoded)
            else {
                return reply(request, .notFound, "text/plain", Array("not found\n".utf8), context: context)
            }
            serveFile(request, bytes: [UInt8](bytes), type: Self.contentType(decoded), context: context)
        }
    }

    /// A file, honouring a single `Range: bytes=a-b` (video players ask for one).
    private func serveFile(_ request: HTTPRequestHead, bytes: [UInt8], type: String, context: ChannelHandlerContext) {
        guard let range = request.headers["range"].first, range.hasPrefix("bytes="), !bytes.isEmpty else {
            return reply(request, .ok, type, bytes, context: context, extra: [("accept-ranges", "bytes")])
        }
        let parts = range.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let count = bytes.count
        var start = parts.first.flatMap { Int($0) } ?? 0
        var end = parts.count > 1 ? (Int(parts[1]) ?? count - 1) : count - 1
        if parts.first?.isEmpty == true, let suffix = parts.count > 1 ? Int(parts[1]) : nil {
            start = max(0, count - suffix)
            end = count - 1
        }
        end = min(end, count - 1)
        guard start <= end, start < count else {
            return reply(
                request, .rangeNotSatisfiable, "text/plain", [], context: context,
                extra: [("content-range", "bytes */\(count)")])
        }
        reply(
            request, .partialContent, type, Array(bytes[start...end]), context: context,
            extra: [("accept-ranges", "bytes"), ("content-range", "bytes \(start)-\(end)/\(count)")])
    }

    private func reply(
        _ request: HTTPRequestHead, _ status: HTTPResponseStatus, _ type: String, _ body: [UInt8],
        context: ChannelHandlerContext, extra: [(String, String)] = []
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: type)
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "cache-control", value: "no-store")
        for (name, value) in extra { headers.add(name: name, value: value) }
        if !request.isKeepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        if request.method != .HEAD, !body.isEmpty {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    private static func contentType(_ path: String) -> String {
        switch path.split(separator: ".").last?.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "mp4": "video/mp4"
        default: "application/octet-stream"
        }
    }
}
