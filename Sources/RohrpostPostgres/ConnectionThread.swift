import Foundation
import Synchronization

/// A thread of its own that runs one actor's jobs in order, so the blocking libpq calls
/// of that actor never hold up the cooperative pool or an event loop.
final class ConnectionThread: SerialExecutor, Sendable {
    private enum Work: Sendable {
        case job(UnownedJob)
        case stop
    }

    private let queue = Mutex<[Work]>([])
    private let ready = DispatchSemaphore(value: 0)

    /// Starts the thread; it runs until `stop()`.
    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.append(.job(job)) }
        ready.signal()
    }

    /// Ends the thread once the jobs queued before this have run.
    func stop() {
        queue.withLock { $0.append(.stop) }
        ready.signal()
    }

    private func run() {
        while true {
            ready.wait()
            switch queue.withLock({ $0.removeFirst() }) {
            case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
            case .stop: return
            }
        }
    }
}
