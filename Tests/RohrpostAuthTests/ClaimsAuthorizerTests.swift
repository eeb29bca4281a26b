import RohrpostAuth
import RohrpostProtocol
import Testing

/// The groups claim lists the patterns a token may subscribe to.
@Suite struct ClaimsAuthorizerTests {
    @Test func groupsClaimAllowsMatchingGroups() {
        let claims: JSONValue = ["sub": "u", "groups": ["collection-*", "todo-17"]]
        let authorizer = ClaimsAuthorizer()
        #expect(authorizer.allows(claims, subscribeTo: "collection-5"))
        #expect(authorizer.allows(claims, subscribeTo: "todo-17"))
        #expect(!authorizer.allows(claims, subscribeTo: "todo-18"))
        #expect(!authorizer.allows(claims, subscribeTo: "collection"))
    }

    @Test func missingClaimAllowsNothing() {
        #expect(!ClaimsAuthorizer().allows(["sub": "u"], subscribeTo: "todo-1"))
    }

    @Test func claimOfAnotherTypeAllowsNothing() {
        #expect(!ClaimsAuthorizer().allows(["groups": ["*": true]], subscribeTo: "todo-1"))
        #expect(!ClaimsAuthorizer().allows(["groups": 5], subscribeTo: "todo-1"))
    }

    @Test func nonStringEntriesAreSkipped() {
        let claims: JSONValue = ["groups": [1, nil, "todo-1"]]
        #expect(ClaimsAuthorizer().allows(claims, subscribeTo: "todo-1"))
        #expect(!ClaimsAuthorizer().allows(claims, subscribeTo: "1"))
    }

    @Test func singleStringIsAListOfOne() {
        #expect(ClaimsAuthorizer().allows(["groups": "todo-*"], subscribeTo: "todo-3"))
    }

    @Test func claimNameIsConfigurable() {
        let claims: JSONValue = ["rohrpost_groups": ["todo-*"], "groups": ["other"]]
        let authorizer = ClaimsAuthorizer(claim: "rohrpost_groups")
        #expect(authorizer.allows(claims, subscribeTo: "todo-1"))
        #expect(!authorizer.allows(claims, subscribeTo: "other"))
    }
}
