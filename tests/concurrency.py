"""Runs callables on threads released at the same moment, for race tests on the real PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def run_together(functions, workers):
    """Runs the callables on ``workers`` threads, released at once; returns results or exceptions."""
    barrier = threading.Barrier(min(workers, len(functions)))

    def call(function):
        try:
            if len(functions) <= workers:
                barrier.wait(timeout=30)
            return function()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each call raised
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(call, functions))
