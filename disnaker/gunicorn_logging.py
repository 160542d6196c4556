"""Gunicorn's logger, with the query strings taken out of its error and access logs.

The access log format of the Dockerfile and docker-compose.yml already holds the path only
(``%(U)s``); this also covers gunicorn's own messages (``Error handling request /path?…``,
``Invalid HTTP request line: …``) and any access format given later. Used with
``--logger-class disnaker.gunicorn_logging.Logger``.
"""

from gunicorn.glogging import Logger as GunicornLogger

from .logs import NoQueryStrings


class Logger(GunicornLogger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(NoQueryStrings())
