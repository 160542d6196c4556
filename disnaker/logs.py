"""Log records without query strings: a search term, a token or a NIK typed into a URL is not kept.

``NoQueryStrings`` is set on the request loggers in ``settings.LOGGING`` (the development server's
``"GET /path?q=… HTTP/1.1"`` lines, ``django.request``'s warnings) and on the console handler. In
production gunicorn writes the access log itself, with a format that holds the path only
(``%(U)s``; see the Dockerfile and docker-compose.yml).
"""

import logging
import re

# A path or a full URL, then its query string: the query string goes, up to the next space or quote.
_QUERY = re.compile(r"((?:https?://|/)[^\s?\"'#]*)\?[^\s\"'#]*")


def strip_query_strings(text: str) -> str:
    return _QUERY.sub(r"\1", text)


def _stripped(value):
    return strip_query_strings(value) if isinstance(value, str) else value


class NoQueryStrings(logging.Filter):
    """Removes the query string of every URL in a record's message and arguments (in place, so that
    every handler of the logger, and those it passes the record on to, see the record without it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _stripped(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_stripped(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _stripped(value) for key, value in record.args.items()}
        return True
