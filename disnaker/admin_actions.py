"""The admin's bulk actions: each one a declaration that calls a service once per selected row.

Every ModelAdmin with actions mixes in ``ServiceActionsMixin`` and declares its actions with
``ServiceAction``: the label, the service, the permission needed and the message that counts what
was done. The mixin refuses an action the admin does not offer to the user, and every action
reports what it could not do in the same words, with the same cap.
"""

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

# Failures listed one by one; past this many, the rest are counted in one line.
LISTED_FAILURES = 10


def failure_text(row, error: ValidationError) -> str:
    return f"{row}: {' '.join(error.messages)}"


def report_action(model_admin, request, message: str, failures: list[str]) -> None:
    """The count first, then each row not changed and why (the first ``LISTED_FAILURES``), then how many more."""
    model_admin.message_user(request, message, messages.SUCCESS)
    for failure in failures[:LISTED_FAILURES]:
        model_admin.message_user(request, failure, messages.WARNING)
    if len(failures) > LISTED_FAILURES:
        more = gettext("… and %(count)d more not changed.") % {"count": len(failures) - LISTED_FAILURES}
        model_admin.message_user(request, more, messages.WARNING)


def run_per_row(rows: Iterable, call: Callable) -> tuple[list, list[str]]:
    """``call(row)`` for each row; a ``ValidationError`` leaves that row as it was and is kept as a failure."""
    results, failures = [], []
    for row in rows:
        try:
            results.append(call(row))
        except ValidationError as error:
            failures.append(failure_text(row, error))
    return results, failures


def form_page(template: str, **context) -> Callable:
    """The page an action that needs more (a reason, a note) shows first, with the rows it will change."""

    def page(model_admin, request, action, rows, form):
        full = model_admin.admin_site.each_context(request) | {
            "title": action.label,
            "opts": model_admin.opts,
            "queryset": rows,
            "form": form,
            "action": action.name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": model_admin.media,
        }
        return TemplateResponse(request, template, full | context)

    return page


class ServiceAction:
    """An admin action that calls ``service(row, actor, **form_data)`` for each selected row.

    - ``done``: the message counting the rows done (``%(count)d``), or a function of the
      services' results that words it (for services that return tallies).
    - ``permission``: the ``has_<permission>_permission`` of the ModelAdmin the user needs.
    - ``rows``: turns the selected queryset into the rows to change (``select_related``, an
      order, the certificates of the selected registrations…).
    - ``form`` and ``page``: an action that asks for something first (a reason) shows
      ``page`` until the form, posted with ``apply``, is valid.
    - ``log``: a message written to the admin log for each row changed.
    """

    def __init__(
        self, *, label, service: Callable, done, permission: str = "change", rows: Callable | None = None,
        form=None, page: Callable | None = None, log=None,
    ):  # fmt: skip
        self.label = self.short_description = label
        self.allowed_permissions = (permission,)
        self.service, self.done, self.rows, self.form, self.page, self.log = service, done, rows, form, page, log
        self.name = ""

    def __set_name__(self, owner, name):
        self.name = self.__name__ = name

    def __call__(self, model_admin, request, queryset):
        rows = self.rows(queryset) if self.rows else queryset
        data = {}
        if self.form is not None:
            form = self.form(request.POST if "apply" in request.POST else None)
            if not (form.is_bound and form.is_valid()):
                return self.page(model_admin, request, self, rows, form)
            data = form.cleaned_data
        results, failures = run_per_row(rows, lambda row: self._apply(model_admin, request, row, data))
        report_action(model_admin, request, self.done_message(results), failures)
        return None

    def _apply(self, model_admin, request, row, data):
        result = self.service(row, request.user, **data)
        if self.log:
            model_admin.log_change(request, row, str(self.log))
        return result

    def done_message(self, results: list) -> str:
        if callable(self.done):
            return self.done(results)
        return str(self.done) % {"count": len(results)}


class ServiceActionsMixin:
    """Runs only the actions this admin offers the user; any other POSTed action is refused, nothing done.

    An action the admin declares but the user may not run is a 403 (the button is not shown, so the
    POST was made by hand); an action it does not declare at all gets an error message.
    """

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            if action in self.declared_actions():
                raise PermissionDenied
            message = gettext("“%(action)s” is not an action of this list: nothing was changed.") % {"action": action}
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def declared_actions(self) -> set[str]:
        names = {a if isinstance(a, str) else a.__name__ for a in (self.actions or ())}
        return names | {name for name, _func in self.admin_site.actions}

    def report_action(self, request, message: str, failures: list[str]) -> None:
        report_action(self, request, message, failures)

    def run_service(self, request, rows: Iterable, call: Callable, done: str) -> None:
        """For actions that are not a ``ServiceAction`` (e.g. a form page of their own): same run, same report."""
        results, failures = run_per_row(rows, call)
        report_action(self, request, str(done) % {"count": len(results)}, failures)


def service_actions(model_admin) -> list[tuple[str, ServiceAction]]:
    """The ``ServiceAction``s an admin declares, by name."""
    found = []
    for name in model_admin.actions or ():
        func = getattr(type(model_admin), name, None) if isinstance(name, str) else name
        if isinstance(func, ServiceAction):
            found.append((func.name, func))
    return found
