import Foundation
import RohrpostPostgres
import Testing

/// `LSN` and `ReplicationTimestamp`: the positions and clocks of the replication protocol.
@Suite struct ReplicationLSNTests {
    @Test func parsesAndPrintsPostgresTextForm() throws {
        let lsn = try #require(LSN("16/B374D848"))
        #expect(lsn.value == 0x16_B374_D848)
        #expect(lsn.description == "16/B374D848")
        #expect(LSN(0x1_0000_0000).description == "1/0")
        #expect(LSN("0/0") == LSN.invalid)
        #expect(LSN("a/ff")?.value == 0xA_0000_00FF)
    }

    @Test func rejectsTextThatIsNotTwoHexHalves() {
        for text in ["", "16", "16/", "/B374D848", "16/B374D848/1", "G/1", "123456789/0", "1/ 2", "-1/0"] {
            #expect(LSN(text) == nil, "\(text)")
        }
    }

    @Test func ordersByPosition() throws {
        let positions = ["0/16B3748", "0/FFFFFFFF", "1/0", "16/B374D848"].compactMap { LSN($0) }
        #expect(positions.count == 4)
        #expect(positions.shuffled().sorted() == positions)
    }

    @Test func timestampsCountMicrosecondsFromTheYear2000() {
        #expect(ReplicationTimestamp(microsecondsSince2000: 0).date == Date(timeIntervalSince1970: 946_684_800))
        let date = Date(timeIntervalSince1970: 1_800_000_000.25)
        #expect(ReplicationTimestamp(date).microsecondsSince2000 == (1_800_000_000 - 946_684_800) * 1_000_000 + 250_000)
    }
}
