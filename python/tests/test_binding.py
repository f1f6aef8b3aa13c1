"""The binding on its own: a file rated through it gives tariff invoice's
bytes; partitions rated apart, saved, loaded and merged in any order give
them too; bad states and bad schemes raise TariffError with the reason."""
import itertools
import os
import tempfile
import unittest

import tariff
from fixtures import SCHEME, cli_outputs, write_usage


class BindingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.usage = write_usage(cls.dir, rows=1500)
        cls.expected = cli_outputs(cls.dir, cls.usage)
        cls.program = tariff.load_scheme("scheme.tariff", SCHEME.encode())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def new_rater(self):
        rater = tariff.Rater(self.program)
        rater.set_period("2026-03")
        return rater

    def rejects_file(self, rows):
        return tariff.rejects_csv_header() + b"".join(row for _, _, row in sorted(rows))

    def test_a_whole_file_run_matches_the_cli(self):
        rater = self.new_rater()
        rejects = []
        for index, name in enumerate(self.usage):
            rejects += [(index, line, row) for line, row in rater.add_usage_file(self.path(name), name)]
        invoice = rater.finish()
        self.assertEqual(invoice.json(), self.expected["json"])
        self.assertEqual(invoice.text(), self.expected["text"])
        self.assertEqual(self.rejects_file(rejects), self.expected["rejects"])
        read, accepted, rejected = invoice.records
        self.assertEqual(read, accepted + rejected)
        self.assertGreater(rejected, 10)

    def rate_partitions(self, count):
        """Saved states of `count` partitions of every file, and their rejects."""
        splits = [tariff.partition_usage(self.program, self.path(name), name, "", count)
                  for name in self.usage]
        states, rejects = [], []
        for p in range(count):
            rater = self.new_rater()
            for index, split in enumerate(splits):
                rejects += [(index, line, row) for line, row in rater.add_partition(split[p])]
            states.append(rater.save_state())
        return states, rejects

    def test_partitions_merged_in_any_order_match_the_cli(self):
        states, rejects = self.rate_partitions(3)
        self.assertEqual(self.rejects_file(rejects), self.expected["rejects"])
        for order in itertools.permutations(range(3)):
            merged = self.new_rater()
            for p in order:
                merged.merge(tariff.Rater.load_state(self.program, states[p]))
            self.assertEqual(merged.finish().json(), self.expected["json"], order)

    def test_a_state_saved_and_loaded_finishes_the_same(self):
        rater = self.new_rater()
        rater.add_usage_file(self.path(self.usage[0]), self.usage[0])
        state = rater.save_state()
        self.assertEqual(tariff.Rater.load_state(self.program, state).finish().json(),
                         rater.finish().json())

    def test_bad_states_are_refused_with_the_reason(self):
        rater = self.new_rater()
        rater.add_usage_file(self.path(self.usage[0]), self.usage[0])
        state = rater.save_state()
        cases = {
            b"": "not a Tariff rating state",
            state[:-3]: "header says",
            state[:60] + bytes([state[60] ^ 1]) + state[61:]: "checksum",
        }
        for data, reason in cases.items():
            with self.assertRaisesRegex(tariff.TariffError, reason):
                tariff.Rater.load_state(self.program, data)
        other = tariff.load_scheme("other.tariff", (SCHEME + 'charge "Extra" = flat 1\n').encode())
        with self.assertRaisesRegex(tariff.TariffError, "another scheme"):
            tariff.Rater.load_state(other, state)

    def test_scheme_errors_and_bad_periods_raise(self):
        with self.assertRaisesRegex(tariff.TariffError, "bad.tariff:1"):
            tariff.load_scheme("bad.tariff", b"scheme \"x\" version\n")
        with self.assertRaisesRegex(tariff.TariffError, "2026-13"):
            tariff.Rater(self.program).set_period("2026-13")

    def test_a_partition_with_lines_that_do_not_match_is_refused(self):
        split = tariff.partition_usage(self.program, self.path(self.usage[0]), self.usage[0], "", 1)
        forged = dict(split[0], lines=split[0]["lines"][16:])
        with self.assertRaisesRegex(tariff.TariffError, "line numbers do not match"):
            self.new_rater().add_partition(forged)


if __name__ == "__main__":
    unittest.main()
