"""The month-end run on Dask from the command line:

  python3 -m tariff.month_end (--scheduler ADDR | --local N) SCHEME
      --usage FILE... [--usage-format csv|ndjson] [--period 2026-03]
      [--partitions K] --out DIR

writes DIR/invoice.json, DIR/invoice.txt and DIR/rejects.csv, the same
bytes as `tariff invoice SCHEME --usage FILE... --format json|text
--rejects FILE`. Usage files must be readable at the same path on every
worker (a shared file system). Exit codes as tariff's: 0 ok, 1 errors in
the scheme or the usage, 2 a bad command line.
"""
import argparse
import os
import sys

from . import _tariff
from .dask_job import Scheme, UsageFile, run_month_end


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python3 -m tariff.month_end",
                                     description="Rate a month of usage on a Dask cluster.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", metavar="ADDR", help="a running scheduler, e.g. tcp://10.0.0.5:8786")
    where.add_argument("--local", metavar="N", type=int, help="start a local cluster of N worker processes")
    parser.add_argument("scheme", help="scheme or bytecode (.tfc) file")
    parser.add_argument("--usage", nargs="+", required=True, metavar="FILE", help="usage files, CSV or NDJSON")
    parser.add_argument("--usage-format", choices=["csv", "ndjson"], help="the format of every usage file")
    parser.add_argument("--period", help="the billing period, e.g. 2026-03")
    parser.add_argument("--partitions", type=int, help="account partitions (default: 2 per worker)")
    parser.add_argument("--out", required=True, metavar="DIR", help="directory for the invoice and the rejects")
    args = parser.parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    if args.local is not None and args.local < 1:
        parser.error("--local must be at least 1")
    return args


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main(argv=None):
    args = parse_arguments(argv)
    from distributed import Client, LocalCluster  # only once the command line is good

    try:
        scheme = Scheme.read(args.scheme)
        usage = [UsageFile.given(name, args.usage_format) for name in args.usage]
    except OSError as error:
        print(f"tariff: error: {error}", file=sys.stderr)
        return 1
    except _tariff.TariffError as error:
        print(f"tariff: error: {error}", file=sys.stderr)
        return 2
    cluster = None
    if args.local:
        cluster = LocalCluster(n_workers=args.local, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        with Client(cluster or args.scheduler) as client:
            workers = max(1, len(client.scheduler_info()["workers"]))
            result = run_month_end(client, scheme, usage, args.period, args.partitions or 2 * workers)
    except _tariff.TariffError as error:
        print(str(error).rstrip("\n"), file=sys.stderr)
        return 1
    finally:
        if cluster is not None:
            cluster.close()
    os.makedirs(args.out, exist_ok=True)
    write(args.out, "invoice.json", result.invoice.json())
    write(args.out, "invoice.txt", result.invoice.text())
    write(args.out, "rejects.csv", result.rejects_csv)
    read, accepted, rejected = result.invoice.records
    print(f"Records: read {read}, accepted {accepted}, rejected {rejected}; "
          f"wrote {args.out}/invoice.json, invoice.txt, rejects.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
