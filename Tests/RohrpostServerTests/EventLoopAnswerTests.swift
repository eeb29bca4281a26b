import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import RohrpostServer

/// `EventLoop.answer` hands every answer to its loop, whether the question was answered at
/// once or waited and resumed on another thread. (The race this guards against, a question
/// resumed elsewhere before the call on the loop returned, is too narrow to provoke here:
/// the check is by thread, so it cannot take that path.)
@Suite struct EventLoopAnswerTests {
    @Test func everyAnswerRunsOnTheLoopWhetherTheQuestionWaitedOrNot() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let rounds = 2_000
        let offLoop = Atomic<Int>(0)
        let answered = Atomic<Int>(0)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            loop.execute {
                for round in 0..<rounds {
                    loop.answer {
                        // Every other question waits: it resumes on another thread, at once.
                        if round % 2 == 0 { await Task.yield() }
                        return round
                    } then: { _ in
                        if !loop.inEventLoop { offLoop.add(1, ordering: .relaxed) }
                        if answered.add(1, ordering: .acquiringAndReleasing).newValue == rounds { done.resume() }
                    }
                }
            }
        }
        #expect(offLoop.load(ordering: .relaxed) == 0, "answers that ran off the loop")
        try await group.shutdownGracefully()
    }
}
