import Dispatch
import Foundation
import ShotRunner
import Synchronization

/// Cancels the run's task once it exists; a stop asked for before it exists cancels it on arrival.
final class WorkStopper: Sendable {
    private let state = Mutex<(task: Task<RunReport, Never>?, stopped: Bool)>((nil, false))

    /// The run's task.
    func attach(_ task: Task<RunReport, Never>) {
        let stopped = state.withLock { state in
            state.task = task
            return state.stopped
        }
        if stopped { task.cancel() }
    }

    /// Cancels the task, now or when it is attached.
    func stop() {
        let task = state.withLock { state in
            state.stopped = true
            return state.task
        }
        task?.cancel()
    }
}

/// Ctrl-C: the first stops following (accepted requests stay recorded and running); a second
/// exits at once.
final class InterruptHandler {
    private let source: DispatchSourceSignal
    private let count = Atomic<Int>(0)

    /// Whether Ctrl-C was pressed.
    var fired: Bool { count.load(ordering: .relaxed) > 0 }

    /// Handles SIGINT from now on: `onFirst` runs on the first.
    init(onFirst: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            if count.add(1, ordering: .relaxed).newValue == 1 {
                onFirst()
            } else {
                _exit(ExitStatus.interrupted)
            }
        }
        source.resume()
    }

    deinit { source.cancel() }
}
