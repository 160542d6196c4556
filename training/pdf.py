"""The participant certificate as PDF: rendered by the ``training.certificate_render`` task."""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from disnaker.pdf import qr_svg, render_pdf, signatory

from .models import Batch, Funding, ParticipantCertificate

logger = logging.getLogger(__name__)


def verification_url(certificate: ParticipantCertificate) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("training:certificate_verify", args=[certificate.code])


def funding_label(batch: Batch) -> str:
    labels = {
        Funding.APBD: _("APBD of %(city)s") % {"city": settings.CITY_NAME},
        Funding.APBN: _("National budget (APBN)"),
        Funding.PARTNER: _("Partner or CSR funds"),
    }
    return labels.get(batch.funding, _("Other funding"))


def certificate_context(certificate: ParticipantCertificate) -> dict:
    """What the certificate shows; the person's NIK and address are deliberately not passed."""
    registration = certificate.registration
    batch = registration.batch
    programme = batch.programme
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "holder_name": registration.person.name,
        "batch": batch,
        "programme": programme,
        "vocation": programme.vocation,
        "units": programme.unit_list,
        "funding": funding_label(batch),
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "signatory": signatory(),
    }


def certificate_pdf(certificate: ParticipantCertificate) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        context = certificate_context(certificate)
    return render_pdf("training/pdf/certificate.html", context)


def certificate_pdf_store(certificate: ParticipantCertificate, *, now: datetime.datetime | None = None) -> str:
    """Renders the certificate and stores it under a new random name; returns the stored name.

    Safe to run twice, even at the same time: the row lock orders the runs, and each removes the
    file the previous run stored, so exactly one file remains. The new file is written before the
    old one is removed, so the row never names a missing file if rendering or writing fails.
    """
    content = certificate_pdf(certificate)  # slow: done before taking the lock
    with transaction.atomic():
        locked = ParticipantCertificate.objects.select_for_update().get(pk=certificate.pk)
        old_name = locked.pdf.name
        locked.pdf.save("certificate.pdf", ContentFile(content), save=False)
        locked.generated_at = now or timezone.now()
        locked.save(update_fields=["pdf", "generated_at"])
        if old_name and old_name != locked.pdf.name:
            locked.pdf.storage.delete(old_name)
    certificate.pdf, certificate.generated_at = locked.pdf, locked.generated_at
    logger.info("certificate %s rendered", certificate.pk)
    return locked.pdf.name
