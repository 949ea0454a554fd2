import NIOCore
import NIOHTTP1

/// One connection's HTTP handler: collects each request (head and body), asks the router for the response
/// and carries it out, including the faults (drop, delay, truncate) and status event streams.
/// Keep-alive and pipelining are handled by NIO's server pipeline in front of it.
final class StandInHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    /// What NIO's HTTP decoder delivers.
    typealias InboundIn = HTTPServerRequestPart
    /// What NIO's HTTP encoder accepts.
    typealias OutboundOut = HTTPServerResponsePart

    /// Bodies larger than this are answered 413 without being stored.
    static let maximumBodyBytes = 64 * 1024 * 1024
    /// How often an event stream looks for a change of status.
    static let streamPollInterval = TimeAmount.milliseconds(10)

    private let router: StandInRouter
    private let keepaliveInterval: TimeAmount
    private var requestHead: HTTPRequestHead?
    private var requestBody: [UInt8] = []
    private var bodyTooLarge = false
    /// The pending delay or stream tick, cancelled when the connection goes away.
    private var scheduledWork: Scheduled<Void>?

    /// A handler answering through `router`, sending stream keep-alive comments every `keepaliveInterval`.
    init(router: StandInRouter, keepaliveInterval: TimeAmount) {
        self.router = router
        self.keepaliveInterval = keepaliveInterval
    }

    /// Collects the parts of a request and answers once it is complete.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead = head
            requestBody = []
            bodyTooLarge = false
            // libcurl asks before sending a large body and would otherwise wait a second for this.
            if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let interim = HTTPResponseHead(version: head.version, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
            }
        case .body(var buffer):
            if requestBody.count + buffer.readableBytes > Self.maximumBodyBytes {
                bodyTooLarge = true
                requestBody = []
            } else if !bodyTooLarge, let bytes = buffer.readBytes(length: buffer.readableBytes) {
                requestBody.append(contentsOf: bytes)
            }
        case .end:
            guard let head = requestHead else { return }
            requestHead = nil
            let body = requestBody
            requestBody = []
            answer(head: head, body: body, context: context)
        }
    }

    /// Stops pending delays and streams.
    func channelInactive(context: ChannelHandlerContext) {
        scheduledWork?.cancel()
        scheduledWork = nil
        context.fireChannelInactive()
    }

    /// Any error on the connection closes it; the client sees a reset, never a hang.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func answer(head: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        if bodyTooLarge {
            let reply = HTTPReply.json(413, ["detail": "Request body too large"], requestID: StandInRouter.newID())
            write(reply, head: head, keepAlive: false, context: context)
            return
        }
        let (path, query) = StandInRequest.splitTarget(head.uri)
        let request = StandInRequest(
            method: head.method, path: path, query: query, headers: head.headers, body: body,
            baseURL: Self.baseURL(of: context.channel.localAddress))
        perform(router.respond(to: request), head: head, context: context)
    }

    private func perform(_ response: StandInResponse, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch response {
        case .reply(let reply):
            write(reply, head: head, keepAlive: head.isKeepAlive, context: context)
        case .drop:
            context.close(promise: nil)
        case .truncated(let reply, let keptBytes):
            var headers = reply.headers
            headers.replaceOrAdd(name: "content-length", value: String(reply.body.count))
            headers.replaceOrAdd(name: "connection", value: "close")
            let responseHead = HTTPResponseHead(
                version: head.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
            let kept = Array(reply.body.prefix(max(0, keptBytes)))
            // No `.end`: the body stops short of its content-length, then the connection closes.
            let written = context.channel.eventLoop.makePromise(of: Void.self)
            if kept.isEmpty {
                context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: written)
            } else {
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                let buffer = context.channel.allocator.buffer(bytes: kept)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: written)
            }
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .delayed(let milliseconds, let next):
            scheduledWork = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                [self] in
                scheduledWork = nil
                perform(next(), head: head, context: context)
            }
        case .eventStream(let stream):
            startEventStream(stream, head: head, context: context)
        }
    }

    private func write(_ reply: HTTPReply, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = reply.headers
        headers.replaceOrAdd(name: "content-length", value: String(reply.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(
            version: head.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD, !reply.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: reply.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.channel.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    // MARK: - Status event stream

    private func startEventStream(_ stream: StatusEventStream, head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = stream.headers
        headers.replaceOrAdd(name: "content-type", value: "text/event-stream")
        headers.replaceOrAdd(name: "cache-control", value: "no-cache")
        headers.replaceOrAdd(name: "connection", value: "close")
        let responseHead = HTTPResponseHead(version: head.version, status: .ok, headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: nil)
        // A comment first, so clients meet one early and prove they skip it.
        writeEventText(": keepalive\n\n", context: context)
        streamTick(stream, lastSent: nil, lastWrite: .now(), context: context)
    }

    private func streamTick(
        _ stream: StatusEventStream, lastSent: String?, lastWrite: NIODeadline, context: ChannelHandlerContext
    ) {
        scheduledWork = nil
        guard context.channel.isActive else { return }
        guard let (body, isFinal) = stream.currentStatus() else {
            endEventStream(context: context)
            return
        }
        var sent = lastSent
        var written = lastWrite
        let text = body.serialized
        if text != lastSent {
            writeEventText("data: \(text)\n\n", context: context)
            sent = text
            written = .now()
        }
        if isFinal {
            endEventStream(context: context)
            return
        }
        if NIODeadline.now() - written >= keepaliveInterval {
            writeEventText(": keepalive\n\n", context: context)
            written = .now()
        }
        scheduledWork = context.eventLoop.assumeIsolated().scheduleTask(in: Self.streamPollInterval) { [self] in
            streamTick(stream, lastSent: sent, lastWrite: written, context: context)
        }
    }

    private func writeEventText(_ text: String, context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(string: text)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    private func endEventStream(context: ChannelHandlerContext) {
        let written = context.channel.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// `http://HOST:PORT` for the socket address a request arrived on.
    static func baseURL(of address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "http://127.0.0.1" }
        if case .v6 = address { return "http://[\(ip)]:\(port)" }
        return "http://\(ip):\(port)"
    }
}
