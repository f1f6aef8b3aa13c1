"""The month-end job on a LocalCluster of two worker processes: the
invoice and the rejects file byte for byte tariff invoice's, also when a
worker is killed in the middle of the run."""
import os
import sys
import tempfile
import unittest

import cloudpickle
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from fixtures import cli_outputs, write_usage
from tariff import month_end
from tariff.dask_job import Scheme, UsageFile, run_month_end

# The plugin below is sent to the workers by value: they cannot import
# this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class KillFirstRateTask(WorkerPlugin):
    """Ends its worker's process the first time any worker starts a `rate`
    task: the marker file makes it once per cluster."""

    def __init__(self, marker):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        name = key if isinstance(key, str) else str(key)
        if finish == "executing" and name.startswith("tariff-rate-"):
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.write(fd, name.encode())
            os.close(fd)
            os._exit(1)


def local_cluster():
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)


class MonthEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.usage_names = write_usage(cls.dir, rows=6000)
        cls.expected = cli_outputs(cls.dir, cls.usage_names)
        cwd = os.getcwd()
        os.chdir(cls.dir)  # usage files named as tariff invoice was given them
        try:
            cls.scheme = Scheme.read("scheme.tariff")
            cls.usage = [UsageFile.given(name) for name in cls.usage_names]
        finally:
            os.chdir(cwd)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assert_same_as_cli(self, result):
        self.assertEqual(result.invoice.json(), self.expected["json"])
        self.assertEqual(result.invoice.text(), self.expected["text"])
        self.assertEqual(result.rejects_csv, self.expected["rejects"])
        self.assertGreater(self.expected["rejects"].count(b"\n"), 10)

    def test_two_workers_give_the_cli_bytes(self):
        with local_cluster() as cluster, Client(cluster) as client:
            self.assertEqual(len(client.scheduler_info()["workers"]), 2)
            for partitions in (1, 5):
                self.assert_same_as_cli(run_month_end(client, self.scheme, self.usage, "2026-03", partitions))

    def test_a_worker_killed_mid_run_changes_nothing(self):
        marker = os.path.join(self.dir, "killed")
        with local_cluster() as cluster, Client(cluster) as client:
            client.register_worker_plugin(KillFirstRateTask(marker), name="kill-first-rate-task")
            result = run_month_end(client, self.scheme, self.usage, "2026-03", 4)
        self.assertTrue(os.path.exists(marker), "no worker was killed")
        self.assert_same_as_cli(result)

    def test_the_command_line_writes_the_cli_bytes(self):
        out = os.path.join(self.dir, "out")
        cwd = os.getcwd()
        os.chdir(self.dir)
        try:
            status = month_end.main(["--local", "2", "scheme.tariff", "--usage", *self.usage_names,
                                     "--period", "2026-03", "--out", out])
        finally:
            os.chdir(cwd)
        self.assertEqual(status, 0)
        for name, expected in (("invoice.json", "json"), ("invoice.txt", "text"), ("rejects.csv", "rejects")):
            with open(os.path.join(out, name), "rb") as f:
                self.assertEqual(f.read(), self.expected[expected], name)

    def test_a_usage_file_of_unknown_format_is_a_command_line_error(self):
        status = month_end.main(["--local", "2", os.path.join(self.dir, "scheme.tariff"),
                                 "--usage", "usage.txt", "--out", os.path.join(self.dir, "unused")])
        self.assertEqual(status, 2)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "unused")))


if __name__ == "__main__":
    unittest.main()
