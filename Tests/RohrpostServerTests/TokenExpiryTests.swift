import NIOCore
import Testing

@testable import RohrpostServer
import RohrpostProtocol

/// A subscription lasts as long as the token that allowed it.
@Suite struct TokenExpiryTests {
    @Test func connectionClosesWith4401WhenTheSubscribingTokenExpires() throws {
        let connection = try EmbeddedConnection(accessPolicy: ExpiringPolicy(lifetime: .seconds(30)))
        try connection.send(text: #"{"id":1,"type":"subscribe","auth_jwt":"t","data":{"type":"todo"}}"#)
        #expect(try connection.received() == [.text(#"{"id":1,"type":"subscribe","data":{"group":"todo"}}"#)])
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(try connection.received() == [])
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try connection.received() == [.close(code: 4401, reason: "token expired")])
    }

    @Test func aLaterSubscribeWithAFresherTokenMovesTheExpiry() throws {
        let connection = try EmbeddedConnection(accessPolicy: ExpiringPolicy(lifetime: .seconds(30)))
        try connection.send(text: #"{"id":1,"type":"subscribe","auth_jwt":"t","data":{"type":"a"}}"#)
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        try connection.send(text: #"{"id":2,"type":"subscribe","auth_jwt":"t2","data":{"type":"b"}}"#)
        _ = try connection.received()
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        #expect(try connection.received() == [], "the first token's expiry no longer applies")
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(11))
        #expect(try connection.received() == [.close(code: 4401, reason: "token expired")])
    }
}

/// A newer token replaces the old one for every group of the connection.
@Suite struct TokenReplacementTests {
    @Test func newerTokenThatNoLongerAllowsAGroupClosesWith4403() throws {
        let connection = try EmbeddedConnection(accessPolicy: PerTokenPolicy())
        try connection.send(text: #"{"id":1,"type":"subscribe","auth_jwt":"a","data":{"type":"one"}}"#)
        try connection.send(text: #"{"id":2,"type":"subscribe","auth_jwt":"b","data":{"type":"two"}}"#)
        connection.channel.embeddedEventLoop.run()
        #expect(try connection.received().last == .close(code: 4403, reason: "access revoked"))
    }

    @Test func newerTokenThatStillAllowsEveryGroupChangesNothing() throws {
        let connection = try EmbeddedConnection(accessPolicy: PerTokenPolicy())
        try connection.send(text: #"{"id":1,"type":"subscribe","auth_jwt":"a","data":{"type":"one"}}"#)
        try connection.send(text: #"{"id":2,"type":"subscribe","auth_jwt":"ab","data":{"type":"two"}}"#)
        connection.channel.embeddedEventLoop.run()
        #expect(try connection.received() == [
            .text(#"{"id":1,"type":"subscribe","data":{"group":"one"}}"#),
            .text(#"{"id":2,"type":"subscribe","data":{"group":"two"}}"#),
        ])
    }
}

/// Token "a" allows group "one", "b" allows "two", "ab" allows both.
private struct PerTokenPolicy: AccessPolicy {
    func authorize(subscribeTo group: String, token: String?) async -> AccessDecision {
        let allowed = (group == "one" && token?.contains("a") == true) || (group == "two" && token?.contains("b") == true)
        return allowed ? .allowed(until: nil) : .denied
    }
}

/// Allows everything with tokens that expire `lifetime` after the subscribe.
private struct ExpiringPolicy: AccessPolicy {
    let lifetime: Duration

    func authorize(subscribeTo group: String, token: String?) async -> AccessDecision {
        .allowed(until: .now + lifetime)
    }
}
