"""The month-end run on a Dask cluster.

Every usage file is cut into partitions by account hash on a worker
(`split` tasks); each partition is rated on a worker into a saved state and
its rejects (`rate` tasks); the client merges the states in partition order
and finishes the invoice. The invoice and the rejects file are byte for
byte those of `tariff invoice` on the same files (docs/scale-out.md).

Tasks are pure functions of their arguments, so when a worker dies Dask
runs its tasks again elsewhere and the result does not change.
"""
import hashlib
import operator
import os
import threading
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from . import _tariff


@dataclass(frozen=True)
class Scheme:
    """A scheme's bytes (source or .tfc) and the name messages give it."""

    name: str
    data: bytes

    @classmethod
    def read(cls, path: str) -> "Scheme":
        with open(path, "rb") as f:
            return cls(path, f.read())

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class UsageFile:
    """A usage file: where workers read it, the name rejects give it (as
    typed on the command line, like `tariff invoice`) and its format."""

    path: str
    name: str
    format: str

    @classmethod
    def given(cls, name: str, format: Optional[str] = None) -> "UsageFile":
        return cls(os.path.abspath(name), name, format or _format_of(name))


def _format_of(name: str) -> str:
    format = _tariff.usage_format_of(name)
    if format is None:
        raise _tariff.TariffError(
            f"cannot tell the format of `{name}` from its name; name it .csv or .ndjson, "
            "or say --usage-format csv|ndjson")
    return format


# Programs compiled in this process, by scheme: each worker compiles a
# scheme once, however many tasks use it.
_programs = {}
_programs_lock = threading.Lock()


def program_of(scheme: Scheme) -> _tariff.Program:
    key = (scheme.name, scheme.digest)
    with _programs_lock:
        if key not in _programs:
            _programs[key] = _tariff.load_scheme(scheme.name, scheme.data)
        return _programs[key]


def split_file(scheme: Scheme, usage: UsageFile, partitions: int) -> list:
    """The file's partitions (dicts of bytes; the reader's rejects in 0)."""
    return _tariff.partition_usage(program_of(scheme), usage.path, usage.name, usage.format,
                                   partitions)


Rejects = List[Tuple[int, int, bytes]]  # (file index, line, rejects-file row)


def rate_partition(scheme: Scheme, period: Optional[str], pieces: Sequence[dict]) -> Tuple[bytes, Rejects]:
    """One partition of every file (in file order) rated into a saved state."""
    rater = _tariff.Rater(program_of(scheme))
    if period:
        rater.set_period(period)
    rejects = []
    for file_index, piece in enumerate(pieces):
        rejects.extend((file_index, line, row) for line, row in rater.add_partition(piece))
    return rater.save_state(), rejects


@dataclass
class MonthEnd:
    invoice: _tariff.Invoice
    rejects_csv: bytes


def merge_states(program: _tariff.Program, states: Sequence[bytes],
                 period: Optional[str]) -> _tariff.Rater:
    """The partitions' states merged in partition order."""
    merged = _tariff.Rater(program)
    if period:
        merged.set_period(period)
    for state in states:
        merged.merge(_tariff.Rater.load_state(program, state))
    return merged


def rejects_file(rejects: Rejects) -> bytes:
    """The rejects file as `tariff invoice --rejects` writes it: in the order
    it reads records, file by file and line by line."""
    rows = sorted(rejects, key=lambda entry: (entry[0], entry[1]))
    return _tariff.rejects_csv_header() + b"".join(row for _, _, row in rows)


def run_month_end(client, scheme: Scheme, usage: Sequence[UsageFile], period: Optional[str],
                  partitions: int) -> MonthEnd:
    """Rates `usage` with `scheme` on the client's cluster."""
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    program = program_of(scheme)  # scheme errors show here, before any task
    run = hashlib.sha256(repr((scheme.digest, usage, period, partitions)).encode()).hexdigest()[:16]
    splits = [client.submit(split_file, scheme, file, partitions, key=f"tariff-split-{i}-{run}")
              for i, file in enumerate(usage)]
    rated = []
    for p in range(partitions):
        pieces = [client.submit(operator.getitem, split, p, key=f"tariff-piece-{i}-{p}-{run}")
                  for i, split in enumerate(splits)]
        rated.append(client.submit(rate_partition, scheme, period, pieces, key=f"tariff-rate-{p}-{run}"))
    results = client.gather(rated)  # in partition order
    merged = merge_states(program, [state for state, _ in results], period)
    rejects = [entry for _, partition_rejects in results for entry in partition_rejects]
    return MonthEnd(merged.finish(), rejects_file(rejects))
