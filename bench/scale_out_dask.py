"""bench/scale-out's Dask half: the month-end job on a local cluster of
each given worker count, timed from submission to the merged invoice (the
cluster's start is not counted), checked byte for byte against the CLI's
invoice and rejects in the current directory.

  python3 scale_out_dask.py "WORKERS..." USAGE...
"""
import sys
import time

from distributed import Client, LocalCluster
from tariff.dask_job import Scheme, UsageFile, run_month_end


def main(counts, files):
    with open("cli-invoice.json", "rb") as invoice, open("cli-rejects.csv", "rb") as rejects:
        expected = invoice.read(), rejects.read()
    scheme, usage = Scheme.read("scheme.tariff"), [UsageFile.given(name) for name in files]
    for n in counts:
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            start = time.monotonic()
            result = run_month_end(client, scheme, usage, "2026-03", 2 * n)
            elapsed = time.monotonic() - start
        if (result.invoice.json(), result.rejects_csv) != expected:
            sys.exit(f"bench/scale-out: the run on {n} workers differs from tariff invoice")
        print(f"files={len(files)}  Dask month-end, {n} worker process(es), {2 * n} partitions: "
              f"{elapsed:.2f} s, identical", flush=True)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1].split()], sys.argv[2:])
