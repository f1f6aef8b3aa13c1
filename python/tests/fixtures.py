"""Inputs shared by the Python tests: a scheme with every kind of meter
state, usage in CSV and NDJSON with bad records of every sort, and what
`tariff invoice` makes of them (the bytes the binding and the Dask job
must reproduce)."""
import json
import os
import subprocess

SCHEME = """scheme "Month end" version "1"
currency USD
rounding half_up per line
period calendar month UTC
usage {
  account  id
  time     timestamp
  event    text
  user     id
  quantity decimal default 0
}
meter messages = sum quantity where event == "message"
meter peak     = max quantity where event == "voice"
meter low      = min quantity where event == "message"
meter logins   = count where event == "login"
meter mau      = distinct user
meter dau      = max over days of (distinct user where event == "login")
meter plan     = latest quantity where event == "plan"
meter storage  = average quantity where event == "storage"
meter seats    = weighted_sum quantity where event == "seat"
meter outages  = intervals quantity where event == "outage"
charge "Platform" = flat 9.99
charge "Messages" = messages at 0.50 per 1_000
charge "Peak"     = peak at 0.01
charge "Low"      = low at 0.01
charge "Logins"   = logins at 0.001
charge "MAU"      = graduated mau {
  first 3 free
  above at 0.05
}
charge "DAU"      = dau at 0.3
charge "Plan"     = plan at 1
charge "Storage"  = storage at 0.023
charge "Seats"    = seats at 0.02
charge "Outages"  = outages at 0.0001
"""

EVENTS = ["message", "voice", "login", "plan", "storage", "seat", "outage"]


def _row(i):
    """Row i of the generated usage: account, time, event, user, quantity."""
    state = (i * 2654435761 + 12345) % 2**32
    account = f"acct-{state % 23:02d}"
    day = 1 + state % 31
    seconds = state % 86400
    event = EVENTS[state % len(EVENTS)]
    quantity = f"{(state >> 8) % 5000}.{state % 100:02d}"
    if event == "seat":
        quantity = str((state >> 4) % 9 - 4)
    when = f"2026-03-{day:02d}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"
    return account, when, event, f"u{(state >> 12) % 40}", quantity


# Bad CSV records, placed among the good ones: a bad number, a missing
# field, an extra field, invalid UTF-8, a bad timestamp, a row outside the
# period; and a good one with a line break inside quotes.
BAD_CSV = [
    b"acct-01,2026-03-05T10:00:00Z,message,u1,lots",
    b"acct-02,2026-03-05T10:00:00Z,message",
    b"acct-03,2026-03-05T10:00:00Z,message,u1,1,extra",
    b"acct-04,2026-03-05T10:00:00Z,mess\xffage,u1,1",
    b"acct-05,yesterday,message,u1,1",
    b"acct-06,2026-04-01T00:00:00Z,message,u1,1",
    b'"acct-07",2026-03-06T10:00:00Z,"two\nlines",u2,5',
]

BAD_NDJSON = [
    b'{"account": "acct-08", "time": "2026-03-05T10:00:00Z", "event": "message", "quantity": "x"}',
    b'{"account": "acct-09", "time": "2026-03-05T10:00:00Z"',
    b'{"account": "acct-10", "time": "2026-02-28T23:59:59Z", "event": "message", "user": "u1"}',
]


def write_usage(directory, rows=3000):
    """Writes usage-a.csv and usage-b.ndjson into `directory`; returns
    their names relative to it."""
    csv_lines = [b"account,time,event,user,quantity"]
    for i in range(rows):
        csv_lines.append(",".join(_row(i)).encode())
        if i % 150 == 7:
            csv_lines.append(BAD_CSV[(i // 150) % len(BAD_CSV)])
        if i % 997 == 3:
            csv_lines.append(b"")  # a blank line: not a record
    ndjson_lines = []
    for i in range(rows, rows + rows // 3):
        account, when, event, user, quantity = _row(i)
        ndjson_lines.append(json.dumps({"account": account, "time": when, "event": event,
                                        "user": user, "quantity": quantity}).encode())
        if i % 100 == 11:
            ndjson_lines.append(BAD_NDJSON[(i // 100) % len(BAD_NDJSON)])
    with open(os.path.join(directory, "usage-a.csv"), "wb") as f:
        f.write(b"\n".join(csv_lines) + b"\n")
    with open(os.path.join(directory, "usage-b.ndjson"), "wb") as f:
        f.write(b"\r\n".join(ndjson_lines) + b"\r\n")
    with open(os.path.join(directory, "scheme.tariff"), "w") as f:
        f.write(SCHEME)
    return ["usage-a.csv", "usage-b.ndjson"]


def cli_outputs(directory, usage, period="2026-03"):
    """`tariff invoice --format json` and --format text, and the rejects
    file, run in `directory` (so files are named as given)."""
    cli = os.environ["TARIFF_CLI"]
    outputs = {}
    for form in ("json", "text"):
        command = [cli, "invoice", "scheme.tariff", "--usage", *usage, "--format", form, "-q",
                   "--rejects", "cli-rejects.csv"]
        if period:
            command += ["--period", period]
        done = subprocess.run(command, cwd=directory, capture_output=True, check=True)
        outputs[form] = done.stdout
    with open(os.path.join(directory, "cli-rejects.csv"), "rb") as f:
        outputs["rejects"] = f.read()
    return outputs
