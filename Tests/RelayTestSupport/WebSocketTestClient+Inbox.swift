import NIOCore
import Synchronization

extension WebSocketTestClient {
    /// Messages received but not yet taken by `receive`, in order, and the one waiting receiver.
    ///
    /// The frame handler fills it on the event loop; tests drain it from any task.
    final class Inbox: Sendable {
        private struct Waiter {
            let id: UInt64
            let continuation: CheckedContinuation<Received, any Error>
        }

        private struct State {
            var messages: [Received] = []
            var waiter: Waiter?
            var nextWaiterID: UInt64 = 0
            var isClosed = false
            var closeSent = false
        }

        private let state = Mutex(State())

        /// Hands a message to the waiting receiver or buffers it.
        func deliver(_ message: Received) {
            let waiter = self.state.withLock { state -> Waiter? in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.messages.append(message)
                return nil
            }
            waiter?.continuation.resume(returning: message)
        }

        /// The connection is gone: a waiting receiver, and later ones once the buffer is empty, fail.
        func finish() {
            let waiter = self.state.withLock { state -> Waiter? in
                state.isClosed = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.continuation.resume(throwing: Self.closedError)
        }

        /// Notes that a close frame goes out; false when one already went.
        func markCloseSent() -> Bool {
            self.state.withLock { state in
                defer { state.closeSent = true }
                return !state.closeSent
            }
        }

        /// The next message, waiting at most `timeout` (measured on `eventLoop`).
        func next(timeout: Duration, on eventLoop: any EventLoop) async throws -> Received {
            let id = self.state.withLock { state in
                state.nextWaiterID += 1
                return state.nextWaiterID
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let ready = self.state.withLock { state -> Result<Received, any Error>? in
                        if !state.messages.isEmpty { return .success(state.messages.removeFirst()) }
                        if state.isClosed { return .failure(Self.closedError) }
                        precondition(state.waiter == nil, "WebSocketTestClient.receive called concurrently")
                        state.waiter = Waiter(id: id, continuation: continuation)
                        return nil
                    }
                    if let ready {
                        continuation.resume(with: ready)
                        return
                    }
                    eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                        self.fail(id, TestSupportError(.timedOut, "no WebSocket message arrived within \(timeout)"))
                    }
                }
            } onCancel: {
                self.fail(id, CancellationError())
            }
        }

        private func fail(_ id: UInt64, _ error: any Error) {
            let waiter = self.state.withLock { state -> Waiter? in
                guard state.waiter?.id == id else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.continuation.resume(throwing: error)
        }

        private static var closedError: TestSupportError {
            TestSupportError(.connectionClosed, "the WebSocket connection is closed and no message is left")
        }
    }
}
