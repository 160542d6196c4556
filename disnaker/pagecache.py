"""Public list pages served from the cache to anonymous visitors (the catalogue, the vacancy list).

What is cached is the page as anyone sees it, without the CSRF token: the page is rendered with
a placeholder where the token goes, and each visitor's response gets the visitor's own token
(which also sets the CSRF cookie, as rendering the page would). Only visitors without a session
or messages get the cached page, so it never holds anyone's name, menu or messages.

An entry lives ``TIMEOUT`` seconds, and its key holds a data version: the time of the latest
change recorded in the history of the models the page shows. A change saved through the portal
(services and the admin record history) so shows at once; one that bypasses history (an
``F()`` seat or fill counter alone, a bulk import) shows within the timeout.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

TIMEOUT = 60
CSRF_PLACEHOLDER = "csrfTokenPlaceholderOfTheCachedPage"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
MAX_VALUE_LENGTH = 20  # longer query values (free text) are rendered, not cached


def render_public_page(request, template: str, build_context, *, name: str, params, models) -> HttpResponse:
    """The page of ``template`` for ``build_context()``, from the cache when it may be shared.

    ``params`` are the query parameters the page understands (any other one, or a long value,
    and the page is rendered for this request only); ``models`` those whose history dates the data.
    """
    if not _shareable(request, params):
        return HttpResponse(render_to_string(template, build_context(), request))
    key = _key(request, name, models)
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {**build_context(), "csrf_token": CSRF_PLACEHOLDER}, request)
        cache.set(key, html, TIMEOUT)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _shareable(request, params) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False  # possibly logged in, or a message waiting to be shown
    return all(name in params and len(value) <= MAX_VALUE_LENGTH for name, value in request.GET.items())


def _key(request, name: str, models) -> str:
    query = sorted((k, v) for k, values in request.GET.lists() for v in values if v)
    parts = [name, translation.get_language(), timezone.localdate().isoformat(), data_version(models), repr(query)]
    return "public-page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def data_version(models) -> str:
    """The latest history date of ``models`` (simple-history), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(tuple(models)))
        row = cursor.fetchone()
    return ",".join(str(value) for value in row)


@functools.cache
def _version_sql(models: tuple) -> str:
    # model.history builds a manager class on every access: read the tables once.
    quote = connection.ops.quote_name
    tables = [quote(model.history.model._meta.db_table) for model in models]
    return "SELECT " + ", ".join(f"(SELECT MAX({quote('history_date')}) FROM {table})" for table in tables)
