"""Public vacancy list and page (Perpres 57/2023), proof-of-reporting check, staff matching page."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from disnaker import exports, readaudit
from disnaker.admin import can_reveal_personal_data
from disnaker.pagecache import render_public_page

from .filters import VacancyFilter
from .matching import candidates
from .models import Company, Placement, Vacancy, VacancyStatus

PAGE_SIZE = 12
PUBLIC_STATUSES = (VacancyStatus.OPEN, VacancyStatus.SELECTION)


def public_vacancies(*, today=None) -> QuerySet:
    """Vacancies the public may see: of verified companies, not hidden, open today."""
    today = today or timezone.localdate()
    return (
        Vacancy.objects.filter(
            company__status=Company.Status.VERIFIED,
            is_hidden=False,
            status__in=PUBLIC_STATUSES,
            open_from__lte=today,
            open_until__gte=today,
        )
        .select_related("company", "kbji_group", "min_education")
        .order_by("-reported_at", "pk")
    )


class CappedPaginator(Paginator):
    """At most ``MAX_PAGES`` pages: beyond them a visitor is better served by the filters."""

    MAX_PAGES = 50

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.MAX_PAGES)


@require_GET
def vacancy_list(request):
    def build_context():
        filterset = VacancyFilter(request.GET or None, queryset=public_vacancies())
        page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        filtering = any(request.GET.get(name) for name in filterset.filters)
        pages = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return {"filter": filterset, "page_obj": page, "page_range": pages, "filtering": filtering}

    # Anonymous visitors share a cached page (see disnaker.pagecache).
    return render_public_page(
        request, "placement/vacancy_list.html", build_context, name="placement-vacancy-list",
        params=(*VacancyFilter.base_filters, "page"), models=(Vacancy, Company, Placement),
    )  # fmt: skip


@require_GET
def vacancy_detail(request, pk: int):
    """Any vacancy of a verified company that is not hidden; closed ones say so."""
    vacancy = get_object_or_404(
        Vacancy.objects.select_related("company__kbli_section", "kbji_group", "min_education").filter(
            company__status=Company.Status.VERIFIED, is_hidden=False
        ),
        pk=pk,
    )
    is_open = public_vacancies().filter(pk=vacancy.pk).exists()
    return render(request, "placement/vacancy_detail.html", {"vacancy": vacancy, "is_open": is_open})


@require_GET
def report_verify(request, number: str):
    """Proof of a vacancy or placement report; a placement shows no personal data."""
    number = number.strip().upper()
    vacancy = Vacancy.objects.select_related("company").filter(registration_number=number).first()
    placement = None
    if vacancy is None:
        placement = Placement.objects.select_related("company").filter(registration_number=number).first()
    if vacancy is None and placement is None:
        return render(request, "placement/report_verify.html", {"number": number, "found": False}, status=404)
    context = {"number": number, "found": True, "vacancy": vacancy, "placement": placement}
    return render(request, "placement/report_verify.html", context)


# --- Staff: matching -------------------------------------------------------------------------


def _get_vacancy_for_staff(request, pk: int) -> Vacancy:
    if not request.user.has_perm("placement.view_vacancy"):
        raise PermissionDenied
    return get_object_or_404(Vacancy.objects.select_related("company", "min_education", "kbji_group"), pk=pk)


def _sources(person) -> str:
    labels = []
    if person.is_graduate:
        labels.append(_("BLK graduate"))
    if person.is_ak1_holder:
        labels.append(_("AK/1 holder"))
    return ", ".join(labels)


def _domicile(person) -> str:
    if person.kelurahan is None:
        return _("outside the city")
    return f"{person.kelurahan.name}, {person.kelurahan.kecamatan.name}"


@never_cache  # full NIKs: a shared computer's back button must not show them
@staff_member_required
def matching(request, pk: int):
    vacancy = _get_vacancy_for_staff(request, pk)
    people = candidates(vacancy=vacancy)
    for person in people:
        person.sources = _sources(person)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    reveal = can_reveal_personal_data(request.user)
    if reveal:
        readaudit.record_list(request, people=page, what=_("Candidates for a vacancy"))
    context = admin.site.each_context(request) | {
        "title": _("Candidates for %(title)s") % {"title": vacancy.title},
        "vacancy": vacancy,
        "page": page,
        "reveal": reveal,
        "opts": Vacancy._meta,
    }
    return render(request, "placement/staff/matching.html", context)


MATCHING_EXPORT = exports.declare("placement.matching_candidates", personal=True)

# (header, value of a person, personal data shown only to staff who may see it)
MATCHING_COLUMNS = (
    (gettext_lazy("Name"), lambda p: p.name, False),
    (gettext_lazy("Sex"), lambda p: p.get_sex_display(), False),
    (gettext_lazy("Age"), lambda p: p.age, False),
    (gettext_lazy("Domicile"), _domicile, False),
    (gettext_lazy("Education"), lambda p: p.education.label if p.education else "", False),
    (gettext_lazy("Phone"), lambda p: p.phone, True),
    (gettext_lazy("E-mail"), lambda p: p.email, True),
    (gettext_lazy("Source"), lambda p: _sources(p), False),
    (gettext_lazy("Graduated"), lambda p: p.graduated_on, False),
    (gettext_lazy("AK/1 card"), lambda p: p.card_number, False),
    (gettext_lazy("Certification scheme"), lambda p: p.cert_scheme, False),
    (gettext_lazy("Certificate number"), lambda p: p.cert_number, False),
    (gettext_lazy("Valid until"), lambda p: p.cert_valid_until, False),
)


def matching_table(people, *, reveal: bool, today) -> tuple[list[str], list[list]]:
    """Header and rows of the export; the NIK is masked and contacts left out unless revealed."""
    columns = [(header, value) for header, value, personal in MATCHING_COLUMNS if reveal or not personal]
    header = [_("Rank"), _("NIK")] + [str(h) for h, _value in columns]
    rows = []
    for rank, person in enumerate(people, start=1):
        person.age = person.age_on(today)
        nik = person.nik if reveal else person.nik_masked
        rows.append([rank, nik] + [value(person) for _header, value in columns])
    return header, rows


@never_cache  # full NIKs: a shared computer's back button must not show them
@staff_member_required
def matching_export(request, pk: int):
    vacancy = _get_vacancy_for_staff(request, pk)
    today = timezone.localdate()
    people = list(candidates(vacancy=vacancy, today=today))
    header, rows = matching_table(people, reveal=can_reveal_personal_data(request.user), today=today)
    filename = f"kandidat-{vacancy.registration_number}-{today:%Y%m%d}"
    return MATCHING_EXPORT.response(
        request, filename=filename, header=header, rows=rows, title=_("Candidates"), people=[p.pk for p in people]
    )
