import Foundation
import Logging
import RelayTestSupport
import RohrpostPostgres
import RohrpostRelay
import Testing

/// Three `rohrpost-relay serve` processes behind nginx, one database as the bus: any client
/// on any replica gets every event, and the clients of a replica that stops resume on the
/// others without missing one.
@Suite struct ScaleOutTests {
    /// A client through nginx with the id of the last event it got.
    final class Subscriber {
        var client: WebSocketTestClient
        var titles: [String] = []
        var lastId: Int64 = 0

        init(client: WebSocketTestClient) { self.client = client }

        func take(_ count: Int) async throws {
            for event in try await client.receiveEvents(count) {
                titles.append(event.object["title"] as? String ?? "")
                lastId = event.id
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func clientsThroughNginxGetEveryEventAndResumeWhenTheirRelayStops() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.makeDatabase()
        try await Database(connectionString: database.connectionString).migrate(logger: Logger(label: "test"))
        try await database.executeOffPool(
            """
            CREATE TABLE public.item (id serial PRIMARY KEY, title text NOT NULL);
            SELECT rohrpost.watch('public.item', groups => ARRAY['items']);
            """)
        var relays: [RelayProcess] = []
        for _ in 0..<3 {
            relays.append(try await RelayProcess(databaseURL: database.connectionString, port: try LoopbackPort.free()))
        }
        let nginx = try await NginxProcess(upstreamPorts: relays.map(\.port))
        defer { nginx.stop() }

        var subscribers: [Subscriber] = []
        for _ in 0..<30 {
            let subscriber = Subscriber(client: try await WebSocketTestClient.connect(port: nginx.port))
            let reply = try await subscriber.client.request(#"{"id": 1, "type": "subscribe", "data": {"type": "items"}}"#)
            #expect(reply == #"{"id":1,"type":"subscribe","data":{"group":"items","position":0}}"#)
            subscribers.append(subscriber)
        }
        let insert = "INSERT INTO public.item (title) VALUES ($1)"
        for n in 1...10 { try await database.executeOffPool(insert, parameters: ["before \(n)"]) }
        for subscriber in subscribers { try await subscriber.take(10) }

        // Stop the first relay; its clients are told 1001 and the others keep going.
        #expect(try await relays[0].terminate(timeout: .seconds(15)) == 0)
        for n in 1...10 { try await database.executeOffPool(insert, parameters: ["during \(n)"]) }
        var moved = 0
        for subscriber in subscribers {
            let received = try await subscriber.client.receive()
            if case .close(let code, _) = received {
                #expect(code == 1001)
                moved += 1
                try? await subscriber.client.close()
                // Reconnect through nginx, which sends it to a replica that runs, and resume.
                subscriber.client = try await WebSocketTestClient.connect(port: nginx.port)
                let reply = try await subscriber.client.request(
                    #"{"id": 2, "type": "subscribe", "data": {"type": "items", "since": \#(subscriber.lastId)}}"#)
                #expect(reply == #"{"id":2,"type":"subscribe","data":{"group":"items","recovered":true,"position":\#(subscriber.lastId)}}"#)
                try await subscriber.take(10)
            } else {
                guard case .text(let text) = received else { throw LiveRelayError("unexpected \(received)") }
                let event = try ReceivedEvent(text: text)
                subscriber.titles.append(event.object["title"] as? String ?? "")
                subscriber.lastId = event.id
                try await subscriber.take(9)
            }
        }
        #expect((5...15).contains(moved), "about a third of the 30 clients were on the stopped relay: \(moved)")

        for n in 1...5 { try await database.executeOffPool(insert, parameters: ["after \(n)"]) }
        let expected = (1...10).map { "before \($0)" } + (1...10).map { "during \($0)" } + (1...5).map { "after \($0)" }
        for subscriber in subscribers {
            try await subscriber.take(5)
            #expect(subscriber.titles == expected)
            try await subscriber.client.expectNothing(for: .milliseconds(50))
            try await subscriber.client.close()
        }
        for relay in relays.dropFirst() { _ = try await relay.terminate(timeout: .seconds(15)) }
    }
}
