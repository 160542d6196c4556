"""Searches by NIK (or phone number, or e-mail address) that never put it in a URL.

A URL is kept by the browser's history, the access log of every proxy on the way and the
``_changelist_filters`` of each link on the result page. So a search term that holds a personal
number is kept in the session instead, under a random key, and the URL carries only ``~<key>``:

- the search form is sent by POST and answered with a redirect to ``?q=~<key>``;
- a GET with such a term in ``q`` (an old bookmark) is redirected the same way;
- the page resolves ``~<key>`` back to the term; links built from its URL (sorting, filters,
  pages, ``_changelist_filters``) then carry only the key.

Other terms (a name, a code without a long number) stay in the URL as they are.
"""

import re
import secrets

from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "private_searches"
PREFIX = "~"
# The searches a session keeps; older ones are dropped, and their links find nothing.
KEEP = 50
# Six digits in a row (spaces, dots and dashes between them ignored): a NIK or part of it (the
# birth date alone is six), a phone number, an account number.
_NUMBER = re.compile(r"\d{6,}")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s.\-]+(?=\d)")
_TOKEN = re.compile(r"^~[A-Za-z0-9_-]{8}$")


def is_private(term: str) -> bool:
    """Whether ``term`` holds a personal number or an e-mail address and must not appear in a URL."""
    term = term or ""
    return "@" in term or bool(_NUMBER.search(_BETWEEN_DIGITS.sub("", term)))


def is_token(value: str) -> bool:
    return bool(_TOKEN.match(value or ""))


def stash(request, term: str) -> str:
    """The token standing for ``term`` in this session (the same one each time for the same term)."""
    saved = dict(request.session.get(SESSION_KEY, {}))
    for key, value in saved.items():
        if value == term:
            return PREFIX + key
    key = secrets.token_urlsafe(6)
    saved[key] = term
    for old in list(saved)[: max(0, len(saved) - KEEP)]:
        del saved[old]
    request.session[SESSION_KEY] = saved
    return PREFIX + key


def resolve(request, value: str) -> str | None:
    """The term a URL value stands for: itself, or the stashed term of a token (None if unknown)."""
    if not is_token(value):
        return value
    return request.session.get(SESSION_KEY, {}).get(value[len(PREFIX) :])


def url_value(request, term: str) -> str:
    """What may go into a URL for ``term``: the term itself, or its token."""
    return stash(request, term) if is_private(term) else term


def search_redirect(request, params: QueryDict, term: str, *, name: str = "q", drop=()) -> HttpResponseRedirect:
    """A redirect to this page with ``params``, the search ``term`` as ``name`` (or its token) and
    without the parameters in ``drop`` (the page number of the previous search)."""
    params = params.copy()
    for key in (name, *drop):
        params.pop(key, None)
    term = term.strip()
    if term:
        params[name] = url_value(request, term)
    query = params.urlencode()
    return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))


def form_redirect(request, *, name: str = "q") -> HttpResponseRedirect:
    """The redirect answering a search form sent by POST: its filled-in fields become the query
    string, the search term ``name`` as itself or its token."""
    params = QueryDict(mutable=True)
    for key in request.POST:
        values = [value for value in request.POST.getlist(key) if value.strip()]
        if key != "csrfmiddlewaretoken" and values:
            params.setlist(key, values)
    return search_redirect(request, params, request.POST.get(name, ""), name=name)


def resolved_query(request, *, name: str = "q") -> tuple[QueryDict, bool]:
    """The GET parameters with the search token replaced by its term, for a form to read; and
    False if the token is no longer kept (the term is then empty)."""
    params = request.GET.copy()
    term = resolve(request, params.get(name, ""))
    if name in params:
        params[name] = term or ""
    return params, term is not None


def needs_redirect(value: str) -> bool:
    """Whether a GET's search value holds a personal number in clear (and not already a token)."""
    return not is_token(value) and is_private(value)
