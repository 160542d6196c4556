"""Personal data never in URLs or logs: what the journeys request and log is recorded and searched for NIKs."""

import logging
import re
from pathlib import Path
from urllib.parse import unquote_plus

# A NIK as 16 digits, or as people type it: 4-4-4-4, or PPRRSS DDMMYY XXXX (same separator throughout);
# not the decimals of a float ("succeeded in 1.3497617150001133s" in Celery's log).
NIK = re.compile(
    r"(?<!\d)(?<!\d\.)(?:\d{16}|\d{4}([ .-])\d{4}\1\d{4}\1\d{4}|\d{6}([ .-])\d{6}\2\d{4})(?!\d)"
)  # fmt: skip


def niks_in(text: str) -> list[str]:
    """The NIK-like numbers in ``text``, also once URL-decoded (``3672+0145+…`` in a query string)."""
    found = []
    for variant in dict.fromkeys((text, unquote_plus(text))):
        found += [match.group(0) for match in NIK.finditer(variant)]
    return list(dict.fromkeys(found))


def _masked(text: str) -> str:
    """The line as it can be shown in a failure: each NIK cut to its region code."""
    for variant in dict.fromkeys((text, unquote_plus(text))):
        if NIK.search(variant):
            return NIK.sub(lambda m: m.group(0)[:4] + "…", variant)
    return text


class Recorder(logging.Handler):
    """Every URL requested and every log line emitted while one journey runs.

    Attached to the root logger and to each logger that does not pass its records on (``django.server``);
    the browser contexts and the live server's request signal report the URLs.
    """

    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.urls: list[str] = []
        self.logs: list[str] = []
        self.find_log_files = lambda: []
        self.log_offsets: dict[Path, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.logs.append(self.format(record))  # the traceback too, if any
        except Exception:  # a record that cannot be formatted is still searched
            self.logs.append(f"{record.name} {record.msg!r} {record.args!r}")

    def url(self, url: str) -> None:
        self.urls.append(url)

    def follow(self, find_log_files) -> None:
        """Log files of other processes (the Celery worker), found by ``find_log_files()`` when needed:
        only what they write from now on counts, all of a file that appears later (a worker started mid-way)."""
        self.find_log_files = find_log_files
        self.log_offsets = {path: path.stat().st_size for path in find_log_files()}

    def clear(self) -> None:
        self.urls.clear()
        self.logs.clear()
        self.follow(self.find_log_files)

    def _file_lines(self) -> list[str]:
        lines = []
        for path in self.find_log_files():
            with path.open("rb") as file:
                file.seek(self.log_offsets.get(path, 0))
                lines += [f"{path.name}: {line}" for line in file.read().decode(errors="replace").splitlines()]
        return lines

    def leaks(self) -> list[str]:
        """Each URL or log line that holds a NIK, with the NIK masked."""
        return [
            f"{kind}: {_masked(line)}"
            for kind, lines in (("URL", self.urls), ("log", self.logs + self._file_lines()))
            for line in lines
            if niks_in(line)
        ]

    def assert_no_nik(self) -> None:
        leaks = self.leaks()
        assert not leaks, "a NIK appears in a URL or a log line:\n" + "\n".join(leaks[:20])


def loggers_to_watch() -> list[logging.Logger]:
    """The root logger and every logger that keeps its records from reaching it: each record seen once."""
    stopped = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    return [logging.getLogger(), *stopped]
