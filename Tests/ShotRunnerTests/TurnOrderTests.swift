// The run's `-j` permits go to shots in scene order, whatever order their tasks ask in: with
// `-j 1` the first shot of the scene is the first sent to fal.
import Synchronization
import Testing

@testable import ShotRunner

@Suite struct TurnOrderTests {
    /// Asks for turns `asking` in that order (each task a little after the one before), holds
    /// each permit briefly, and returns the turns in the order they got their permits, with the
    /// most permits held at once.
    private func grants(permits: Int, asking: [Int]) async throws -> (order: [Int], mostHeld: Int) {
        let semaphore = AsyncSemaphore(permits: permits)
        let log = GrantLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for turn in asking {
                group.addTask {
                    await semaphore.acquire(turn: turn)
                    log.granted(turn)
                    try await Task.sleep(for: .milliseconds(5))
                    log.returned()
                    await semaphore.release()
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await group.waitForAll()
        }
        return log.state.withLock { ($0.order, $0.mostHeld) }
    }

    @Test("one permit: turns are served 0, 1, 2 and on, although they asked last to first")
    func onePermitInOrder() async throws {
        let result = try await grants(permits: 1, asking: [4, 3, 2, 1, 0])
        #expect(result.order == [0, 1, 2, 3, 4])
        #expect(result.mostHeld == 1)
    }

    @Test("two permits: still in turn order, and never more than two held")
    func twoPermitsInOrder() async throws {
        let result = try await grants(permits: 2, asking: [3, 5, 1, 4, 0, 2])
        #expect(result.order == [0, 1, 2, 3, 4, 5])
        #expect(result.mostHeld == 2)
    }

    @Test("a turn that asks when its permit is free gets it at once, and the turns waiting behind it follow")
    func laterTurnsFollow() async throws {
        let result = try await grants(permits: 3, asking: [1, 2, 0])
        #expect(result.order == [0, 1, 2])
        #expect(result.mostHeld == 3)
    }
}

/// What the tasks of a test did with their permits.
private final class GrantLog: Sendable {
    let state = Mutex((order: [Int](), held: 0, mostHeld: 0))

    func granted(_ turn: Int) {
        state.withLock {
            $0.order.append(turn)
            $0.held += 1
            $0.mostHeld = max($0.mostHeld, $0.held)
        }
    }

    func returned() { state.withLock { $0.held -= 1 } }
}
