"""The AK/1 card as PDF: one A4 page rendered on request (WeasyPrint renders it in well under a second)."""

import base64
import mimetypes

from django.conf import settings
from django.utils import translation

from disnaker.pdf import render_pdf, signatory

from . import cards
from .models import JobSeekerCard


def _photo_data_uri(card: JobSeekerCard) -> str:
    """The photo inline: it is a private file, and the PDF renderer reads only static files and data."""
    if not card.photo:
        return ""
    try:
        with card.photo.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return ""
    content_type = mimetypes.guess_type(card.photo.name)[0] or "image/jpeg"
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


def card_context(card: JobSeekerCard) -> dict:
    """The card is the holder's own identity document: it shows the full NIK and address."""
    person = card.person
    kelurahan = person.kelurahan
    return {
        "card": card,
        "person": person,
        "kelurahan": kelurahan,
        "kecamatan": kelurahan.kecamatan if kelurahan else None,
        "education_group": person.education.ak1_group if person.education else "",
        "education": person.education,
        "slots": cards.rereport_slots(card),
        "photo": _photo_data_uri(card),
        "signatory": signatory(),
    }


def card_pdf(card: JobSeekerCard) -> bytes:
    card = JobSeekerCard.objects.select_related("person__kelurahan__kecamatan", "person__education").get(pk=card.pk)
    with translation.override(settings.LANGUAGE_CODE):
        context = card_context(card)
    return render_pdf("placement/pdf/ak1_card.html", context)
