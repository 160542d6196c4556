"""Who may use the LPK operator portal, and which objects they reach.

Every view of ``/lpk/`` (except login and the password pages) is wrapped in ``operator_required``,
and reaches a report only through ``get_report_for_operator``:

- anonymous visitors are sent to the LPK login (``/lpk/masuk/?next=…``);
- a logged-in user who is not an active operator (staff, a job seeker, a deactivated operator)
  gets 403 with a page that says why: being logged in already, sending them to a login page
  again would only loop;
- an operator asking for another institution's report gets 404, so its existence is not revealed.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .models import GraduateReport, Operator

LOGIN_URL_NAME = "lpk_registry:login"


def active_operator(user) -> Operator | None:
    """The user's operator membership if it is active, with its institution; None otherwise."""
    if not user.is_authenticated or not user.is_active:
        return None
    return Operator.objects.select_related("institution").filter(user=user, is_active=True).first()


def operator_required(view):
    """Sets ``request.operator`` (an active Operator) or answers: login redirect / 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(LOGIN_URL_NAME))
        operator = active_operator(request.user)
        if operator is None:
            return render(request, "lpk_registry/not_operator.html", _not_operator_context(request), status=403)
        request.operator = operator
        return view(request, *args, **kwargs)

    return wrapper


def _not_operator_context(request) -> dict:
    deactivated = Operator.objects.filter(user=request.user, is_active=False).exists()
    return {"deactivated": deactivated}


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
