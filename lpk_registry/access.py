"""Who may use the LPK operator portal, and which objects they reach.

Every view of ``/lpk/`` (except login and the password pages) is wrapped in ``operator_required``
(the membership check of the portal kit, ``disnaker.portals``), and reaches a report only through
``get_report_for_operator``:

- anonymous visitors are sent to the LPK login (``/lpk/masuk/?next=…``);
- a logged-in user who is not an active operator (staff, a job seeker, a deactivated operator)
  gets 403 with a page that says why: being logged in already, sending them to a login page
  again would only loop;
- an operator asking for another institution's report gets 404, so its existence is not revealed.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from disnaker.portals import Portal, active_membership, refused_page

from .models import GraduateReport, Operator


def active_operator(user) -> Operator | None:
    """The user's operator membership if it is active, with its institution; None otherwise."""
    return active_membership(Operator, user, related="institution")


LPK_OPERATORS = Portal(
    name="lpk_operators",
    prefixes=("/lpk/",),
    member=active_operator,
    request_attribute="operator",
    refused=refused_page(Operator, "lpk_registry/not_operator.html"),
    urls={
        "login": "lpk_registry:login",
        "logout": "lpk_registry:logout",
        "home": "lpk_registry:dashboard",
        "password_reset": "lpk_registry:password_reset",
        "set_password": "lpk_registry:set_password",
    },
    login_template="lpk_registry/login.html",
    login_form="lpk_registry.forms.OperatorAuthenticationForm",
    reset_form="lpk_registry.forms.OperatorPasswordResetForm",
    reset_template="lpk_registry/password_reset.html",
    reset_email_template="lpk_registry/email/password_reset.txt",
    reset_subject_template="lpk_registry/email/password_reset_subject.txt",
    set_password_template="lpk_registry/set_password.html",
    reset_sent_message=_(
        "If this e-mail belongs to an LPK operator, a link to choose a new password is on its way. "
        "Check the inbox, and the spam folder."
    ),
    welcome_message=_("Your password has been saved. Welcome to the LPK portal."),
)

# Sets ``request.operator``; anonymous visitors go to the LPK login, other accounts get a 403 page.
operator_required = LPK_OPERATORS.required


def get_operator(request) -> Operator:
    """The operator set by ``operator_required``; a view without the decorator is refused."""
    operator = getattr(request, "operator", None)
    if operator is None:
        raise PermissionDenied
    return operator


def reports_for_operator(request):
    return GraduateReport.objects.filter(institution=get_operator(request).institution)


def get_report_for_operator(request, pk: int) -> GraduateReport:
    """The operator's own institution's report; any other report answers 404."""
    return get_object_or_404(reports_for_operator(request).select_related("institution"), pk=pk)
