"""Renders a template to PDF bytes with WeasyPrint: certificates, AK/1 cards and reports share it.

Templates extend ``disnaker/pdf/base.html`` (letterhead, ``css/pdf.css``) and get the ``office``
dict as pages do. Static files are read from disk; nothing else is fetched while rendering, so a
template can never make the worker reach the network (the portal runs offline).
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .context_processors import office

# WeasyPrint logs each rendering step at INFO: noise in the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def base_url() -> str:
    """The URL relative links in PDF templates resolve against (``{% static %}`` gives ``/static/…``)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + "/"


def static_path(url: str) -> Path | None:
    """The file on disk behind a static URL of the portal, or None for any other URL."""
    prefix = urljoin(base_url(), settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    name = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / name).resolve()
    if collected.is_relative_to(root) and collected.is_file():
        return collected  # collectstatic's copy, under its hashed name in production
    try:
        found = finders.find(name)  # development: straight from static/
    except SuspiciousFileOperation:  # "../" or an absolute path: outside the static folders
        return None
    return Path(found) if found else None


def signatory() -> dict[str, str]:
    """Who signs the office's documents: the head of office unless settings name someone else.

    Optional settings: ``OFFICE_HEAD_NAME``, ``OFFICE_HEAD_NIP``, ``OFFICE_HEAD_TITLE`` and
    ``OFFICE_SIGNING_PLACE``; without a name the block leaves a line to write it by hand.
    """
    city = settings.CITY_NAME
    for prefix in ("Kota ", "Kabupaten "):
        city = city.removeprefix(prefix)
    head_of_office = _("Head of %(office)s") % {"office": settings.OFFICE_NAME}
    return {
        "place": getattr(settings, "OFFICE_SIGNING_PLACE", "") or city,
        "title": getattr(settings, "OFFICE_HEAD_TITLE", "") or head_of_office,
        "name": getattr(settings, "OFFICE_HEAD_NAME", ""),
        "nip": getattr(settings, "OFFICE_HEAD_NIP", ""),
    }


def qr_svg(data: str, *, size_mm: float = 24) -> SafeString:
    """A QR code of ``data`` as inline SVG (segno: pure Python, no image files)."""
    import segno

    svg = segno.make(data, error="m").svg_inline(border=0, omitsize=True, dark="#000")
    return format_html('<div class="qr" style="width:{0}mm;height:{0}mm">{1}</div>', size_mm, mark_safe(svg))


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticFileFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                raise ValueError(f"not one of the portal's static files: {url}")
            return super().fetch(path.as_uri(), headers)

    return StaticFileFetcher(allowed_protocols=("file", "data"))


def render_html(template_name: str, context: dict | None = None, *, language: str | None = None) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        defaults = {**office(None), "letterhead_logo": getattr(settings, "OFFICE_LOGO", "")}
        return render_to_string(template_name, {**defaults, **(context or {})})


def render_pdf(template_name: str, context: dict | None = None, *, language: str | None = None) -> bytes:
    """PDF bytes of ``template_name``, in Indonesian unless ``language`` says otherwise."""
    # Imported here: WeasyPrint loads Pango, which the web process never needs.
    from weasyprint import HTML

    html = render_html(template_name, context, language=language)
    return HTML(string=html, base_url=base_url(), url_fetcher=_fetcher()).write_pdf()
