// fal-standin: a stand-in for fal.ai's queue, storage and CDN on 127.0.0.1, for tests.
// The contract it implements is docs/standin.md.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

let options: StandInOptions
do {
    options = try StandInOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch .helpRequested {
    print(StandInOptions.usage)
    exit(0)
} catch {
    FileHandle.standardError.write(Data("fal-standin: \(error)\n\(StandInOptions.usage)\n".utf8))
    exit(2)
}

// A client that vanishes mid-write must not kill the server.
signal(SIGPIPE, SIG_IGN)

var store: StandInStore?
var initialState = StandInState()
if let stateDirectory = options.stateDirectory {
    do {
        let opened = try StandInStore(path: stateDirectory)
        let (loaded, warnings) = opened.load()
        for warning in warnings {
            FileHandle.standardError.write(Data("fal-standin: \(warning)\n".utf8))
        }
        store = opened
        initialState = loaded
    } catch {
        FileHandle.standardError.write(Data("fal-standin: \(error)\n".utf8))
        exit(1)
    }
}

let router = StandInRouter(options: options, store: store, initialState: initialState)
let keepaliveInterval = TimeAmount.milliseconds(Int64(options.keepaliveMilliseconds))
let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: max(2, System.coreCount))
let bootstrap = ServerBootstrap(group: eventLoopGroup)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(
                StandInHTTPHandler(router: router, keepaliveInterval: keepaliveInterval))
        }
    }

let serverChannel: Channel
do {
    serverChannel = try bootstrap.bind(host: options.host, port: options.port).wait()
} catch {
    FileHandle.standardError.write(
        Data("fal-standin: cannot listen on \(options.host):\(options.port): \(error)\n".utf8))
    exit(1)
}
guard let boundPort = serverChannel.localAddress?.port else {
    FileHandle.standardError.write(Data("fal-standin: the listening socket has no port\n".utf8))
    exit(1)
}

let displayedHost = options.host.contains(":") ? "[\(options.host)]" : options.host
// Written straight to the file descriptor: no stdio buffer to flush.
FileHandle.standardOutput.write(Data("listening on http://\(displayedHost):\(boundPort)\n".utf8))

// Serve until stdin reaches end of file, so a test process that dies never leaves the server behind.
// SIGTERM keeps its default action and ends the process too.
var discarded = [UInt8](repeating: 0, count: 4096)
while true {
    let count = read(STDIN_FILENO, &discarded, discarded.count)
    if count > 0 { continue }
    if count < 0 && errno == EINTR { continue }
    break
}
exit(0)
