"""Tariff from Python: the compiled binding (tariff._tariff) and the
month-end job on Dask (tariff.dask_job, python3 -m tariff.month_end).
See docs/scale-out.md."""
from ._tariff import (  # noqa: F401  (the package's public names)
    Invoice,
    Program,
    Rater,
    TariffError,
    load_scheme,
    partition_usage,
    rejects_csv_header,
)
