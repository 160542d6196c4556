"""The suite's one clock: every test runs at a fixed instant that moves on as the suite runs.

``TEST_CLOCK`` (an ISO date or date-time) sets the instant, so the suite can be run at any date
(``TEST_CLOCK=2030-01-01 make test``). Processes the tests start (Celery workers) run on the same
clock through ``python -m tests.clock <command>``.
"""

import datetime
import os
import runpy
import sys
import time
import zoneinfo

import time_machine

DEFAULT = "2026-11-25T09:00:00+07:00"
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def suite_start() -> datetime.datetime:
    """The instant the suite starts at: ``TEST_CLOCK`` or the default, a date meaning 09:00 in Jakarta."""
    value = os.environ.get("TEST_CLOCK") or DEFAULT
    moment = datetime.datetime.fromisoformat(value)
    if len(value) == 10:
        moment = moment.replace(hour=9)
    return moment if moment.tzinfo else moment.replace(tzinfo=JAKARTA)


def start(destination: datetime.datetime | None = None) -> time_machine.travel:
    traveller = time_machine.travel(destination or suite_start(), tick=True)
    traveller.start()
    return traveller


def environment() -> dict:
    """The environment that makes a child process started with ``python -m tests.clock`` share this clock."""
    return {
        "TEST_CLOCK_NOW": datetime.datetime.now(datetime.UTC).isoformat(),
        "TEST_CLOCK_WALL": repr(time_machine.escape_hatch.time.time()),
    }


if __name__ == "__main__":
    # python -m tests.clock -m celery … : runs the module after travelling to TEST_CLOCK_NOW.
    # The child starts a few seconds after the stamp was taken: it moves on by as much, so its clock
    # never lags the suite's.
    lag = time.time() - float(os.environ.get("TEST_CLOCK_WALL", "0") or 0)
    stamp = datetime.datetime.fromisoformat(os.environ["TEST_CLOCK_NOW"])
    start(stamp + datetime.timedelta(seconds=max(lag, 0) if "TEST_CLOCK_WALL" in os.environ else 0))
    if sys.argv[1] != "-m":
        raise SystemExit("usage: python -m tests.clock -m MODULE [ARGS…]")
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
