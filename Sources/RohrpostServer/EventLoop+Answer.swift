import NIOCore

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
        Task.immediate {
            let value = await question()
            // Not waited (still inside the call above): this is the loop's thread. A
            // question that waited resumes on another thread, possibly before the call
            // above has returned, so the thread is what decides, not whether it returned.
            if loop.inEventLoop {
                answer(value)
            } else {
                loop.execute { answer(value) }
            }
        }
    }
}
