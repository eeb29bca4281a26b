import Foundation
import RelayTestSupport
import Testing

/// A client that stops reading is closed at its buffer limit; nobody else waits for it.
@Suite struct SlowClientTests {
    @Test func clientThatStopsReadingIsClosedAndOthersKeepReceiving() async throws {
        try await LiveRelay.with(configure: { $0.server.maximumPendingBytes = 1024 * 1024 }, setUp: todoTable) { live in
            let stalled = try StalledSocket(port: live.port, subscribe: #"{"type": "collection", "id": 1}"#)
            let reader = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let rows = 8_000  // 8 MB: more than the kernel's socket buffers hold
            let title = String(repeating: "x", count: 1_000)
            // In steps the reading client takes in full before the next, so it is never far
            // behind, however busy the machine; the stalled one falls further back each step.
            for _ in 0..<(rows / 100) {
                try await live.database.executeOffPool(
                    "INSERT INTO todo (collection_id, title) SELECT 1, $1 FROM generate_series(1, 100)", parameters: [title])
                #expect(try await reader.receiveEvents(100).count == 100)
            }
            let bytes = try #require(stalled.drainUntilClosed(timeout: .seconds(10)), "the stalled client was not closed")
            #expect(bytes.count < rows * title.count, "the relay stopped queueing for the stalled client")
        }
    }

    @Test func singleEventLargerThanTheLimitStillReachesAReadingClient() async throws {
        try await LiveRelay.with(configure: { $0.server.maximumPendingBytes = 64 * 1024 }, setUp: todoTable) { live in
            let client = try await live.subscriber(#"{"type": "collection", "id": 1}"#)
            let large = String(repeating: "y", count: 1_000_000)
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, $1)", parameters: [large])
            try live.database.execute("INSERT INTO todo (collection_id, title) VALUES (1, 'small')")
            let titles = try await client.receiveEvents(2).map { $0.object["title"] as? String }
            #expect(titles == [large, "small"])
        }
    }
}
