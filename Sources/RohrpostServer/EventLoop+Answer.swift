import NIOCore
import Synchronization

extension EventLoop {
    /// Runs `question` (an access policy's decision, a backlog read) and hands its answer to
    /// `answer` on this loop.
    ///
    /// The question starts at once on this thread (`Task.immediate`): one that never waits,
    /// such as a token check, is answered before this returns, as a plain call would be, with
    /// no hop through another thread. One that waits (a database query) resumes elsewhere,
    /// and its answer is carried back to this loop.
    func answer<Value: Sendable>(
        _ question: @escaping @Sendable () async -> Value, then answer: @escaping @Sendable (Value) -> Void
    ) {
        guard inEventLoop else {
            execute { self.answer(question, then: answer) }
            return
        }
        let loop = self
        let returned = Mutex(false)
        Task.immediate {
            let value = await question()
            // Still inside the call above (nothing waited): this is the loop's thread.
            if returned.withLock({ !$0 }) {
                answer(value)
            } else {
                loop.execute { answer(value) }
            }
        }
        returned.withLock { $0 = true }
    }
}
