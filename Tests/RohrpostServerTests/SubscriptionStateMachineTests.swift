import NIOCore
import RohrpostProtocol
import Testing

@testable import RohrpostServer

/// What docs/PROTOCOL.md promises a subscriber, as the state machine decides it: each test
/// feeds it requests, decisions, backlogs and live messages and reads what it would do.
@Suite struct SubscriptionStateMachineTests {
    static let group = Group(name: "todo-1")

    static func machine(limit: Int = 10, heldBytes: Int = 1 << 20, canResume: Bool = true) -> SubscriptionStateMachine {
        SubscriptionStateMachine(maximumSubscriptions: limit, maximumHeldBytes: heldBytes, canResume: canResume)
    }

    static func subscribe(_ id: Int, since: Int64? = nil, token: String? = nil) -> Request {
        Request(id: .number(JSONNumber(id)), type: .string("subscribe"), authJWT: token)
    }

    static func message(_ position: Int64, group: String = "todo-1", bytes: Int = 10) -> GroupMessage {
        GroupMessage(group: group, frame: ByteBuffer(repeating: 0, count: bytes), position: position)
    }

    /// The actions in words, so a test reads as a transcript.
    static func words(_ actions: [SubscriptionStateMachine.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .reply(let reply): "reply " + reply.jsonText
            case .authorize(let group, let since, _): "authorize \(group.name)" + (since.map { " since \($0)" } ?? "")
            case .join(let group): "join \(group)"
            case .leave(let group): "leave \(group)"
            case .readBacklog(let group, let since, let through):
                "read backlog of \(group.name) after \(since)" + (through.map { " through \($0)" } ?? "")
            case .write(let messages): "write " + messages.map { String($0.position) }.joined(separator: ",")
            case .closeWhenTokenExpires: "close when the token expires"
            case .recheck(let groups, let token): "recheck \(groups.joined(separator: ",")) with \(token ?? "no token")"
            case .close(let code): "close \(code.code)"
            }
        }
    }

    /// Subscribes to `group` and has the policy allow it; returns the actions of the decision.
    static func allow(
        _ machine: inout SubscriptionStateMachine, _ group: Group = group, since: Int64? = nil, token: String? = nil,
        id: Int = 1, livePosition: Int64? = 7
    ) -> [String] {
        let request = subscribe(id, token: token)
        _ = machine.subscribeRequested(group, since: since, request: request)
        return words(
            machine.decided(.allowed(until: nil), group: group, since: since, request: request, livePosition: livePosition))
    }

    @Test func aSubscribeIsAnsweredOnlyOnceTheAccessPolicyAllowedIt() {
        var machine = Self.machine()
        let request = Self.subscribe(1)
        #expect(Self.words(machine.subscribeRequested(Self.group, since: nil, request: request)) == ["authorize todo-1"])
        let decided = machine.decided(.allowed(until: nil), group: Self.group, since: nil, request: request, livePosition: 7)
        #expect(Self.words(decided) == [
            "join todo-1", #"reply {"id":1,"type":"subscribe","data":{"group":"todo-1","position":7}}"#,
        ])
        #expect(machine.live(Self.message(8)) == .send)
    }

    @Test func aDeniedSubscribeGetsAccessDeniedAndJoinsNothing() {
        var machine = Self.machine()
        let request = Self.subscribe(1)
        _ = machine.subscribeRequested(Self.group, since: nil, request: request)
        let decided = machine.decided(.denied, group: Self.group, since: nil, request: request, livePosition: 7)
        #expect(Self.words(decided) == [#"reply {"id":1,"type":"subscribe","error":"ACCESS_DENIED"}"#])
        #expect(machine.groups.isEmpty && machine.subscribesInFlight == 0)
    }

    @Test func subscribesWaitingForTheirDecisionCountAgainstTheLimit() {
        var machine = Self.machine(limit: 2)
        _ = machine.subscribeRequested(Group(name: "a"), since: nil, request: Self.subscribe(1))
        _ = machine.subscribeRequested(Group(name: "b"), since: nil, request: Self.subscribe(2))
        #expect(Self.words(machine.subscribeRequested(Group(name: "c"), since: nil, request: Self.subscribe(3))) == [
            #"reply {"id":3,"type":"subscribe","error":"Too many subscriptions on this connection (at most 2)."}"#
        ])
        // A decision frees its place: a denial leaves room for one more.
        _ = machine.decided(.denied, group: Group(name: "a"), since: nil, request: Self.subscribe(1), livePosition: nil)
        #expect(Self.words(machine.subscribeRequested(Group(name: "c"), since: nil, request: Self.subscribe(4))) == ["authorize c"])
    }

    @Test func aResumeHoldsLiveMessagesThenSendsReplyBacklogAndTheHeldOnesItLacksInOrder() {
        var machine = Self.machine()
        // The loop had delivered up to 11 when the group was joined: the backlog must reach it.
        #expect(Self.allow(&machine, since: 10, livePosition: 11) == ["join todo-1", "read backlog of todo-1 after 10 through 11"])
        #expect(machine.live(Self.message(12)) == .held(tooMuchHeld: false))
        #expect(machine.live(Self.message(13)) == .held(tooMuchHeld: false))
        let done = machine.backlogRead(.complete([Self.message(11), Self.message(12)]), for: Self.group)
        #expect(Self.words(done) == [
            #"reply {"id":1,"type":"subscribe","data":{"group":"todo-1","recovered":true,"position":10}}"#,
            "write 11,12,13",
        ])
        // The listener may still bring what the backlog sent; each event goes out once.
        #expect(machine.live(Self.message(12)) == .drop)
        #expect(machine.live(Self.message(13)) == .drop)
        #expect(machine.live(Self.message(14)) == .send)
        #expect(machine.live(Self.message(15)) == .send)
    }

    @Test func aBacklogTheJournalNoLongerHoldsSaysRecoveredFalseFromWhereTheGroupWasJoined() {
        var machine = Self.machine()
        _ = Self.allow(&machine, since: 3, livePosition: 20)
        #expect(machine.live(Self.message(21)) == .held(tooMuchHeld: false))
        #expect(Self.words(machine.backlogRead(.incomplete, for: Self.group)) == [
            #"reply {"id":1,"type":"subscribe","data":{"group":"todo-1","recovered":false,"position":20}}"#,
            "write 21",
        ])
        #expect(machine.live(Self.message(22)) == .send)
    }

    @Test func aRelayStoppingBeforeTheBacklogIsReadClosesWith1001() {
        var machine = Self.machine()
        _ = Self.allow(&machine, since: 3)
        #expect(Self.words(machine.backlogRead(.stopping, for: Self.group)) == ["close 1001"])
    }

    @Test func heldMessagesPastTheLimitMakeTheClientTooSlow() {
        var machine = Self.machine(heldBytes: 25)
        _ = Self.allow(&machine, since: 3)
        #expect(machine.live(Self.message(4, bytes: 20)) == .held(tooMuchHeld: false))
        #expect(machine.live(Self.message(5, bytes: 20)) == .held(tooMuchHeld: true))
    }

    @Test func withoutAJournalASubscribeWithSinceIsSubscribedFromNow() {
        var machine = Self.machine(canResume: false)
        #expect(Self.allow(&machine, since: 3) == [
            "join todo-1", #"reply {"id":1,"type":"subscribe","data":{"group":"todo-1","recovered":false,"position":7}}"#,
        ])
    }

    @Test func aSecondResumeOfAGroupUnderWayIsAnsweredWithoutAPosition() {
        var machine = Self.machine()
        _ = Self.allow(&machine, since: 3)
        #expect(Self.allow(&machine, since: 3, id: 2) == [
            #"reply {"id":2,"type":"subscribe","data":{"group":"todo-1","recovered":true}}"#
        ])
        #expect(Self.allow(&machine, id: 3) == [#"reply {"id":3,"type":"subscribe","data":{"group":"todo-1"}}"#])
    }

    @Test func anUnsubscribeDuringAResumeEndsItWithoutAReply() {
        var machine = Self.machine()
        _ = Self.allow(&machine, since: 3)
        let request = Request(id: .number(JSONNumber(2)), type: .string("unsubscribe"))
        #expect(Self.words(machine.unsubscribeRequested(Self.group, request: request)) == [
            "leave todo-1", #"reply {"id":2,"type":"unsubscribe","data":{"group":"todo-1"}}"#,
        ])
        #expect(machine.backlogRead(.complete([Self.message(4)]), for: Self.group).isEmpty)
    }

    @Test func aNewTokenRechecksEveryOtherGroupAndOnlyTheNewestTokenDecides() {
        var machine = Self.machine()
        _ = Self.allow(&machine, Group(name: "a"), token: "t1")
        _ = Self.allow(&machine, Group(name: "b"), token: "t1")
        #expect(Self.allow(&machine, Group(name: "c"), token: "t2").first == "recheck a,b with t2")
        #expect(machine.isCurrentToken("t2") && !machine.isCurrentToken("t1"))
        #expect(Self.allow(&machine, Group(name: "d"), token: "t2").first == "join d")
    }

    @Test func anExpiringTokenSchedulesTheClose() {
        var machine = Self.machine()
        let request = Self.subscribe(1)
        _ = machine.subscribeRequested(Self.group, since: nil, request: request)
        let expiry = ContinuousClock.now + .seconds(60)
        let decided = machine.decided(.allowed(until: expiry), group: Self.group, since: nil, request: request, livePosition: nil)
        #expect(Self.words(decided).first == "close when the token expires")
    }

    @Test func closingLeavesEveryGroupAndDropsWhatWasHeld() {
        var machine = Self.machine()
        _ = Self.allow(&machine, Group(name: "a"))
        _ = Self.allow(&machine, Group(name: "b"), since: 3)
        _ = machine.live(Self.message(4, group: "b"))
        #expect(machine.leaveAll() == ["a", "b"])
        #expect(machine.groups.isEmpty)
        #expect(machine.backlogRead(.complete([]), for: Group(name: "b"), isOpen: false).isEmpty)
    }
}
