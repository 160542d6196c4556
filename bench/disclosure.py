"""The disclosure control of the published statistics on a city's data: what it hides, what the attack finds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/disnaker_bench .venv/bin/python bench/disclosure.py [--year 2025]

Run it on a database filled by ``bench/generate.py``. For every month, quarter and the whole of the
last full year (or ``--year``) it computes the figures as a summary build does, then prints per
period: the breakdown cells, those hidden as "< 5" (primary), those hidden as "x" (secondary), the
breakdowns withheld, the cells the subtraction attack (``disnaker.disclosure.recoverable_cells``)
recovers with the "< 5" alone and with the full protection, and the seconds the protection took.
The exit status is 1 if the attack recovers any cell of the protected tables.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from disnaker import disclosure  # noqa: E402
from disnaker.summaries import all_figures, compute_figures, periods_of_year  # noqa: E402


def measure(figures: dict, *, min_cell: int, percent: list[str]) -> dict:
    """The counts of one period's tables, unprotected ("< 5" alone) and protected."""
    tables, values = disclosure.figure_tables(figures, percent=percent)
    primary = disclosure.Protection(
        hidden={p: disclosure.SMALL for t in tables for p in t.parts if 1 <= values[p] < min_cell}
    )
    started = time.perf_counter()
    protection = disclosure.protect(tables, values, min_cell=min_cell)
    seconds = time.perf_counter() - started
    view = disclosure.published_view(tables, values, protection, min_cell=min_cell)
    before = disclosure.published_view(tables, values, primary, min_cell=min_cell)
    states = list(protection.hidden.items())
    withheld = {part for table in tables if table.key in protection.withheld for part in table.parts}
    return {
        "cells": sum(len(table.parts) for table in tables),
        "small": sum(state == disclosure.SMALL and cell not in withheld for cell, state in states),
        "hidden": sum(state == disclosure.HIDDEN and cell not in withheld for cell, state in states),
        "withheld": len(protection.withheld),
        "withheld_cells": len(withheld),
        "recovered_before": len(disclosure.recoverable_cells(before)),
        "recovered_after": len(disclosure.recoverable_cells(view)),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    args = parser.parse_args()
    today = max(timezone.localdate(), datetime.date(args.year + 1, 1, 1))
    min_cell = settings.STATS_MIN_CELL
    percent = [figure.key for figure in all_figures() if figure.unit == "percent"]
    columns = ("cells", "small", "hidden", "withheld", "withheld_cells", "recovered_before", "recovered_after")
    print(f"{'period':<10}" + "".join(f"{name:>17}" for name in columns) + f"{'seconds':>10}")
    totals = dict.fromkeys((*columns, "seconds"), 0)
    for period in periods_of_year(args.year):
        figures = compute_figures(period, today=today)["figures"]
        row = measure(figures, min_cell=min_cell, percent=percent)
        totals = {name: totals[name] + row[name] for name in totals}
        print(f"{period.key:<10}" + "".join(f"{row[name]:>17}" for name in columns) + f"{row['seconds']:>10.3f}")
    print(f"{'all':<10}" + "".join(f"{totals[name]:>17}" for name in columns) + f"{totals['seconds']:>10.3f}")
    print(
        f"\n{totals['cells']} breakdown cells; {totals['small']} shown as '< {min_cell}', {totals['hidden']} as "
        f"'{disclosure.HIDDEN_SHOWN}', {totals['withheld']} breakdowns ({totals['withheld_cells']} cells) withheld; "
        f"the attack recovers {totals['recovered_before']} cells with '< {min_cell}' alone and "
        f"{totals['recovered_after']} after protection, in {totals['seconds']:.3f} s"
    )
    sys.exit(1 if totals["recovered_after"] else 0)


if __name__ == "__main__":
    main()
