"""Rate limits on the public forms that create rows: job-seeker sign-up and training registration.

django-ratelimit counts the POSTs in the default cache (Redis in production, so every gunicorn
worker and every web container counts together); the pages themselves (GET) are never limited.
Over the limit the visitor gets 429 and a page that says when to try again.
"""

import datetime
import functools
import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage


def client_ip(request) -> str:
    """The visitor's address (``RATELIMIT_IP_META_KEY``), with the login lockout's ``AXES_PROXY_COUNT``.

    Each of the N proxies in front of gunicorn appends the address it received the request from to
    X-Forwarded-For, so the N-th entry from the right was written by the outermost proxy: the client.
    Entries further left come from the client and can be forged. A request with fewer entries did
    not pass through the proxies (a health check inside the network): its REMOTE_ADDR is the client.
    """
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    remote = request.META.get("REMOTE_ADDR", "")  # none on a request made in code (force_login)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:  # not an address: the proxy is configured otherwise; count by the proxy instead
        return remote


def limit_posts(*, group: str, rate_setting: str, keys: tuple[str, ...] = ("ip",)):
    """Refuses a POST with 429 once one of ``keys`` ("ip", "user") has sent ``settings.<rate_setting>``.

    The rate ("10/h", "20/h", "100/d") is read on every request, so it can be changed in settings.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                rate = getattr(settings, rate_setting)
                for key in keys:
                    usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
                    if usage is not None and usage["should_limit"]:
                        return too_many_requests(request, seconds_left=usage["time_left"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many_requests(request, *, seconds_left: int):
    seconds_left = max(seconds_left, 1)
    retry_at = timezone.localtime() + datetime.timedelta(seconds=seconds_left)
    response = render(request, "disnaker/ratelimited.html", {"retry_at": retry_at}, status=429)
    response["Retry-After"] = str(seconds_left)
    return response


def rate_limits_clear() -> None:
    """Forgets every counted attempt. Deletes the counters only: on Redis, ``cache.clear()`` would
    empty the whole database, the Celery queues with it."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    pattern = cache.make_key(getattr(settings, "RATELIMIT_CACHE_PREFIX", "rl:") + "*")
    if not isinstance(cache, RedisCache):
        cache.clear()  # local memory: this process's own cache
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=pattern))
    if keys:
        client.delete(*keys)


# django-axes' AccessAttempt.username column
AXES_USERNAME_LENGTH = 255


def login_username(request, credentials=None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the username typed into a login form, cut to the length of django-axes'
    column, so that an overlong one is counted as a failed login instead of failing the request."""
    data = credentials or getattr(request, "data", request.POST)
    username = data.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username
