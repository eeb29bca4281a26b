"""The soak's checks must be able to fail: each violation it looks for, fed to a ledger.
scripts/soak runs these first (python -m unittest soak.test_ledger)."""

import unittest
from collections import Counter

from .ledger import GroupLedger, message_differences, row_differences


def row(row_id, val=0, grp=1):
    return {"id": row_id, "grp": grp, "val": val, "note": None}


class LedgerTests(unittest.TestCase):
    def test_create_update_delete_rebuild_the_rows(self):
        ledger = GroupLedger("grp-1")
        self.assertEqual(ledger.apply(1, {"type": "create", "object": row(7)}), [])
        self.assertEqual(ledger.apply(2, {"type": "update", "object": {**row(7, 1), "updated_fields": ["val"]}}), [])
        self.assertEqual(ledger.apply(3, {"type": "create", "object": row(8)}), [])
        self.assertEqual(ledger.apply(4, {"type": "delete", "object": row(8)}), [])
        self.assertEqual(ledger.rows, {7: row(7, 1)})
        self.assertEqual(ledger.resume_since(), 4)

    def test_an_id_that_does_not_increase_is_a_violation(self):
        ledger = GroupLedger("grp-1")
        ledger.apply(5, {"type": "create", "object": row(1)})
        self.assertIn("ids must strictly increase", ledger.apply(5, {"type": "update", "object": row(1, 2)})[0])

    def test_create_of_a_row_it_has_and_changes_of_rows_it_never_saw_are_violations(self):
        ledger = GroupLedger("grp-1")
        ledger.apply(1, {"type": "create", "object": row(1)})
        self.assertIn("create of row 1 it already has", ledger.apply(2, {"type": "create", "object": row(1)})[0])
        self.assertIn("update of row 9 it never saw", ledger.apply(3, {"type": "update", "object": row(9)})[0])
        self.assertIn("delete of row 8 it never saw", ledger.apply(4, {"type": "delete", "object": row(8)})[0])

    def test_resume_starts_after_the_larger_of_last_event_and_position(self):
        ledger = GroupLedger("grp-1")
        self.assertEqual(ledger.resume_since(), 0)
        ledger.position = 40
        self.assertEqual(ledger.resume_since(), 40)
        ledger.apply(50, {"type": "note", "object": {"msg": 1}})
        self.assertEqual(ledger.resume_since(), 50)

    def test_rows_that_differ_name_the_row_and_both_values(self):
        self.assertEqual(row_differences({1: row(1), 2: row(2)}, {1: row(1, 5), 3: row(3)}),
                         [f"row 1: expected {row(1)}, got {row(1, 5)}",
                          f"row 2: expected {row(2)}, got None",
                          f"row 3: expected None, got {row(3)}"])

    def test_messages_missing_twice_or_never_sent_are_violations(self):
        self.assertEqual(message_differences({1, 2, 3}, Counter({1: 1, 2: 2, 4: 1})),
                         ["message 3: sent, never arrived", "message 2: arrived 2 times",
                          "message 4: arrived 1x but was never committed"])


if __name__ == "__main__":
    unittest.main()
