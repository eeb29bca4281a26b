import Testing

@testable import RohrpostPostgres

/// The LISTEN loop's reconnect policy, event by event.
@Suite struct ListenerStateMachineTests {
    /// A machine whose waits are the full exponential delay: 100 ms, 200 ms, 400 ms, ...
    private func makeMachine() -> ListenerStateMachine {
        ListenerStateMachine(backoff: ReconnectBackoff(randomFraction: { 1.0 }))
    }

    @Test func startingConnects() {
        var machine = makeMachine()
        #expect(machine.start() == .connect)
    }

    @Test func aSuccessfulConnectionListens() {
        var machine = makeMachine()
        _ = machine.start()
        #expect(machine.connected() == .listen)
        #expect(machine.state == .listening)
    }

    @Test func aFailedFirstConnectionRetriesAfterTheInitialDelay() {
        var machine = makeMachine()
        _ = machine.start()
        #expect(machine.connectFailed() == .reconnect(after: .milliseconds(100)))
    }

    @Test func eachFurtherFailedConnectionDoublesTheWait() {
        var machine = makeMachine()
        _ = machine.start()
        var waits: [ListenerStateMachine.Action] = []
        for _ in 0..<4 {
            waits.append(machine.connectFailed())
            #expect(machine.backoffElapsed() == .connect)
        }
        #expect(waits == [100, 200, 400, 800].map { .reconnect(after: .milliseconds($0)) })
    }

    @Test func aLostConnectionReconnectsAfterTheInitialDelay() {
        var machine = makeMachine()
        _ = machine.start()
        _ = machine.connected()
        #expect(machine.connectionLost() == .reconnect(after: .milliseconds(100)))
        #expect(machine.backoffElapsed() == .connect)
    }

    @Test func aConnectionLostAfterEarlierFailuresWaitsTheInitialDelayAgain() {
        var machine = makeMachine()
        _ = machine.start()
        for _ in 0..<3 {
            _ = machine.connectFailed()
            _ = machine.backoffElapsed()
        }
        _ = machine.connected()
        #expect(machine.connectionLost() == .reconnect(after: .milliseconds(100)))
    }

    @Test func failedReconnectsAfterALostConnectionKeepDoublingTheWait() {
        var machine = makeMachine()
        _ = machine.start()
        _ = machine.connected()
        var waits = [machine.connectionLost()]
        for _ in 0..<2 {
            _ = machine.backoffElapsed()
            waits.append(machine.connectFailed())
        }
        #expect(waits == [100, 200, 400].map { .reconnect(after: .milliseconds($0)) })
    }

    @Test func stoppingWhileWaitingEndsTheLoop() {
        var machine = makeMachine()
        _ = machine.start()
        _ = machine.connectFailed()
        #expect(machine.stopRequested() == .stop)
        #expect(machine.backoffElapsed() == .stop)
        #expect(machine.state == .stopped)
    }

    @Test func stoppingWhileListeningIgnoresTheLostConnectionThatFollows() {
        var machine = makeMachine()
        _ = machine.start()
        _ = machine.connected()
        #expect(machine.stopRequested() == .stop)
        #expect(machine.connectionLost() == .stop)
    }

    @Test func startingTwiceStops() {
        var machine = makeMachine()
        _ = machine.start()
        #expect(machine.start() == .stop)
    }

    @Test func anEventOutOfOrderStops() {
        var machine = makeMachine()
        _ = machine.start()
        _ = machine.connected()
        #expect(machine.connected() == .stop)
    }

    @Test func reconnectActionsReportTheirWaitInWholeMilliseconds() {
        #expect(ListenerStateMachine.Action.reconnect(after: .milliseconds(1_500)).delayMilliseconds == 1_500)
        #expect(ListenerStateMachine.Action.reconnect(after: .microseconds(2_999)).delayMilliseconds == 2)
        #expect(ListenerStateMachine.Action.connect.delayMilliseconds == 0)
    }
}
