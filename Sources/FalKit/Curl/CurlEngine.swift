import CCurl
import Foundation
import Synchronization

/// One dedicated thread running a `curl_multi` loop.
///
/// Other threads hand it transfers and cancellations through a lock-protected inbox and wake it
/// with `curl_multi_wakeup`; Swift's cooperative threads never block on the network.
final class CurlEngine: @unchecked Sendable {
    private struct Inbox {
        var additions: [CurlTransfer] = []
        var cancellations: [CurlTransfer] = []
        var stopping = false
    }

    /// The loaded libcurl, which every call goes through.
    let curl: CurlLibrary
    /// The multi handle; freed in `deinit`, after the loop has ended.
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    /// Transfers inside the multi handle, keyed by easy handle address. Engine thread only.
    private var active: [Int: CurlTransfer] = [:]

    /// Loads libcurl (on first use in the process), creates the multi handle and starts the loop
    /// thread. Throws ``FalError/libraryUnavailable(_:)`` when libcurl cannot be loaded.
    init() throws {
        let curl = try CurlLibrary.shared()
        guard let multi = curl.multiInit() else {
            throw FalError.transport(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed")
        }
        self.curl = curl
        self.multi = multi
        // Reuse connections per host, but never pipeline onto a busy one.
        _ = shotc_curl_multi_setopt_long(curl.multiSetopt, multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16)
        let thread = Thread { [self] in self.run() }
        thread.name = "shotc-curl"
        thread.start()
    }

    deinit {
        _ = curl.multiCleanup(multi)
    }

    /// Queues a transfer; its completion runs on the engine thread.
    func submit(_ transfer: CurlTransfer) {
        let stopping = inbox.withLock { inbox in
            if !inbox.stopping { inbox.additions.append(transfer) }
            return inbox.stopping
        }
        if stopping {
            transfer.requestCancel()
            transfer.finish(.cancelled)
        } else {
            _ = curl.multiWakeup(multi)
        }
    }

    /// Asks the engine to abandon a transfer; its completion then reports `CancellationError`.
    func cancel(_ transfer: CurlTransfer) {
        transfer.requestCancel()
        inbox.withLock { $0.cancellations.append(transfer) }
        _ = curl.multiWakeup(multi)
    }

    /// Ends the loop; running transfers complete with `CancellationError`.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        _ = curl.multiWakeup(multi)
    }

    private func key(_ easy: UnsafeMutableRawPointer) -> Int { Int(bitPattern: easy) }

    private func remove(_ transfer: CurlTransfer) {
        if active.removeValue(forKey: key(transfer.easy)) != nil {
            _ = curl.multiRemoveHandle(multi, transfer.easy)
        }
    }

    private func run() {
        while true {
            let work = inbox.withLock { inbox -> Inbox in
                let taken = inbox
                inbox.additions.removeAll()
                inbox.cancellations.removeAll()
                return taken
            }
            for transfer in work.additions {
                if transfer.isCancelRequested || work.stopping {
                    transfer.finish(.cancelled)
                    continue
                }
                let added = curl.multiAddHandle(multi, transfer.easy)
                if added == CURLM_OK {
                    active[key(transfer.easy)] = transfer
                } else {
                    transfer.finish(
                        .notStarted(FalError.transport(code: Int(added.rawValue), message: curl.multiErrorText(added))))
                }
            }
            // Only a transfer the loop owns is finished here. One cancelled before it was
            // submitted (a task cancelled before it sent anything) only has its flag set: the
            // additions above finish it once its completion is in place. Finishing it here could
            // run before the completion is set, and the awaiting task would never resume.
            for transfer in work.cancellations where active[key(transfer.easy)] != nil {
                remove(transfer)
                transfer.finish(.cancelled)
            }
            if work.stopping {
                for transfer in Array(active.values) {
                    transfer.requestCancel()
                    remove(transfer)
                    transfer.finish(.cancelled)
                }
                return
            }

            var running: Int32 = 0
            _ = curl.multiPerform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl.multiInfoRead(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = shotc_curl_msg_result(message)
                guard let transfer = active[key(easy)] else {
                    _ = curl.multiRemoveHandle(multi, easy)
                    continue
                }
                remove(transfer)
                transfer.finish(.completed(code))
            }
            _ = curl.multiPoll(multi, nil, 0, 1000, nil)
        }
    }
}
