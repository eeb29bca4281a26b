@testable import RohrpostRelay
import RohrpostPostgres
import Testing

/// When the slot holder may confirm the slot: never past a numbering that is not flushed.
@Suite struct SlotConfirmationTests {
    @Test func aBatchIsConfirmedOnlyOnceItsNumberingIsFlushed() {
        var slot = SlotConfirmation()
        slot.numbered(by: LSN(500), through: LSN(100))
        #expect(slot.confirmed == .invalid && slot.awaitsFlush)
        slot.flushed(upTo: LSN(499))
        #expect(slot.confirmed == .invalid)
        slot.flushed(upTo: LSN(500))
        #expect(slot.confirmed == LSN(100) && !slot.awaitsFlush)
    }

    @Test func batchesAreConfirmedInOrderAsFarAsTheFlushReaches() {
        var slot = SlotConfirmation()
        slot.numbered(by: LSN(500), through: LSN(100))
        slot.numbered(by: LSN(700), through: LSN(300))
        slot.numbered(by: LSN(900), through: LSN(600))
        slot.flushed(upTo: LSN(800))
        #expect(slot.confirmed == LSN(300))
        #expect(slot.unflushed.count == 1)
    }

    @Test func theServersPositionCountsOnlyWhenNothingWaits() {
        var slot = SlotConfirmation()
        slot.serverReached(LSN(50), idle: false)
        #expect(slot.confirmed == .invalid, "a transaction is half read")
        slot.serverReached(LSN(50), idle: true)
        #expect(slot.confirmed == LSN(50))
        slot.numbered(by: LSN(500), through: LSN(100))
        slot.serverReached(LSN(200), idle: true)
        #expect(slot.confirmed == LSN(50), "a batch still waits for its flush")
        slot.flushed(upTo: LSN(600))
        slot.serverReached(LSN(200), idle: true)
        #expect(slot.confirmed == LSN(200))
        slot.serverReached(LSN(150), idle: true)
        #expect(slot.confirmed == LSN(200), "never backwards")
    }
}
