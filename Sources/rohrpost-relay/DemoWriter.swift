import Logging
import RohrpostRelay
import ServiceLifecycle

/// Changes demo rows a few times a second until shutdown, so there is always something to see.
struct DemoWriter: Service {
    let database: Database
    let writesPerSecond: Double
    let logger: Logger

    func run() async throws {
        guard writesPerSecond > 0 else { return }
        let pause = Duration.seconds(1 / writesPerSecond)
        await cancelWhenGracefulShutdown {
            var step = 0
            while !Task.isCancelled {
                step += 1
                do {
                    try await write(step: step)
                } catch {
                    logger.warning("demo write failed: \(error)")
                }
                try? await Task.sleep(for: pause)
            }
        }
    }

    /// Every step updates a title; every tenth adds a row, and every tenth after that removes one.
    private func write(step: Int) async throws {
        let sql: String
        switch step % 10 {
        case 0:
            sql = "INSERT INTO public.todo (collection_id, title) VALUES (1 + \(step) % 2, 'new task \(step)')"
        case 5:
            sql = "DELETE FROM public.todo WHERE id = (SELECT min(id) FROM public.todo) AND (SELECT count(*) FROM public.todo) > 3"
        default:
            sql = """
                UPDATE public.todo SET title = 'task edited at step \(step)', done = NOT done, updated_at = now()
                WHERE id = (SELECT id FROM public.todo ORDER BY id OFFSET \(step) % greatest(1, (SELECT count(*) FROM public.todo)) LIMIT 1)
                """
        }
        try await database.withConnection { connection in try connection.execute(sql) }
    }
}
