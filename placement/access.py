"""Who may use the company portal at /perusahaan/, and which objects they reach.

Every view after the login is wrapped in ``company_user_required``; objects are reached only
through the ``get_*_for_company`` helpers:

- anonymous visitors are sent to the company login (``/perusahaan/masuk/?next=…``);
- a logged-in user who is not an active HR user (staff, a job seeker, an LPK operator) gets 403
  with a page that says why;
- an HR user asking for another company's vacancy or placement gets 404;
- ``verified_company_required`` sends HR users of a company not (yet) verified back to the
  dashboard, which says what happens next: they may look, not report.
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import CompanyUser, Placement, Vacancy

LOGIN_URL_NAME = "placement:company_login"


def active_company_user(user) -> CompanyUser | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return CompanyUser.objects.select_related("company").filter(user=user, is_active=True).first()


def company_user_required(view):
    """Sets ``request.company_user`` (an active CompanyUser) or answers: login redirect / 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(LOGIN_URL_NAME))
        company_user = active_company_user(request.user)
        if company_user is None:
            deactivated = CompanyUser.objects.filter(user=request.user, is_active=False).exists()
            return render(request, "placement/company/not_company_user.html", {"deactivated": deactivated}, status=403)
        request.company_user = company_user
        return view(request, *args, **kwargs)

    return wrapper


def verified_company_required(view):
    """For the pages that report: a company waiting for verification (or rejected) is sent back."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not get_company(request).is_verified:
            messages.warning(
                request, _("Your company is waiting for verification: you can report once it is verified.")
            )
            return redirect("placement:company_dashboard")
        return view(request, *args, **kwargs)

    return wrapper


def get_company(request):
    company_user = getattr(request, "company_user", None)
    if company_user is None:
        raise PermissionDenied
    return company_user.company


def vacancies_for_company(request):
    return Vacancy.objects.filter(company=get_company(request))


def placements_for_company(request):
    return Placement.objects.filter(company=get_company(request))


def get_vacancy_for_company(request, pk: int) -> Vacancy:
    return get_object_or_404(vacancies_for_company(request).select_related("company", "kbji_group"), pk=pk)


def get_placement_for_company(request, pk: int) -> Placement:
    return get_object_or_404(placements_for_company(request).select_related("company", "vacancy"), pk=pk)
