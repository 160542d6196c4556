"""The portal's settings plus the benchmark's own URL (``bench/ceiling/``), for bench/load.py's gunicorn only."""

from disnaker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
