"""Who may use the company portal at /perusahaan/, and which objects they reach.

Every view after the login is wrapped in ``company_user_required`` (the membership check of
the portal kit, ``disnaker.portals``); objects are reached only
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
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disnaker.portals import Portal, active_membership, refused_page

from .models import CompanyUser, Placement, Vacancy


def active_company_user(user) -> CompanyUser | None:
    """The user's HR membership if it is active, with its company; None otherwise."""
    return active_membership(CompanyUser, user, related="company")


COMPANY_HR = Portal(
    name="company_hr",
    prefixes=("/perusahaan/",),
    member=active_company_user,
    request_attribute="company_user",
    refused=refused_page(CompanyUser, "placement/company/not_company_user.html"),
    urls={
        "login": "placement:company_login",
        "logout": "placement:company_logout",
        "home": "placement:company_dashboard",
        "password_reset": "placement:company_password_reset",
        "set_password": "placement:company_set_password",
    },
    login_template="placement/company/login.html",
    login_form="placement.forms_company.CompanyAuthenticationForm",
    reset_form="placement.forms_company.CompanyPasswordResetForm",
    reset_template="placement/company/password_reset.html",
    reset_email_template="placement/email/password_reset.txt",
    reset_subject_template="placement/email/password_reset_subject.txt",
    set_password_template="placement/company/set_password.html",
    reset_sent_message=gettext_lazy(
        "If this e-mail belongs to a company HR account, a link to choose a new password is on its way. "
        "Check the inbox, and the spam folder."
    ),
    welcome_message=gettext_lazy("Your password has been saved. Welcome to the company portal."),
)

# Sets ``request.company_user``; anonymous visitors go to the company login, other accounts get a 403 page.
company_user_required = COMPANY_HR.required


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
