"""Admin of the periodic summaries: build state, rebuild, publish, PDF and XLSX downloads; external indicators."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import exports, summaries
from .admin_actions import ServiceAction, ServiceActionsMixin
from .admin_site import DisnakerModelAdmin, HistoryAdmin
from .models import PublishedIndicator, Summary
from .periods import Period
from .storage import file_download

SUMMARY_EXPORT = exports.declare("disnaker.summary", formats=("xlsx",))


class BuildForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A month (2026-10), a quarter (2026-Q3) or a year (2026)."),
    )
    force = forms.BooleanField(
        label=_("Rebuild even if the period has ended and its figures are frozen"), required=False
    )

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise ValidationError(
                _("Enter a month as 2026-10, a quarter as 2026-Q3 or a year as 2026."), code="invalid"
            ) from None


def _publish_action(publish: bool, *, label, log) -> ServiceAction:
    return ServiceAction(
        label=label,
        permission="publish",
        service=lambda summary, actor: summaries.summary_publish(summary=summary, publish=publish),
        log=log,
        done=_("%(count)d summary(ies) changed."),
    )


class StuckFilter(admin.SimpleListFilter):
    """Builds queued or running longer than SUMMARY_STUCK_AFTER: what the beat's sweep queues again."""

    title = _("stuck")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck"))]

    def queryset(self, request, queryset):
        return queryset.stuck(now=timezone.now()) if self.value() == "yes" else queryset


@admin.register(Summary)
class SummaryAdmin(ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    list_display = ("period_label", "period_kind", "state_badge", "built_at", "build_seconds", "downloads",
                    "is_published")  # fmt: skip
    list_select_related = ()
    list_filter = ("period_kind", "state", StuckFilter, "is_published")
    search_fields = ("data_version",)
    date_hierarchy = "period_start"
    actions = ["rebuild", "publish", "unpublish"]
    fields = (
        "period_label", "period_kind", "period_start", "period_end", "scope_label", "state_badge", "error", "queued_at",
        "started_at", "built_at", "build_seconds", "builds", "data_version", "downloads", "is_published",
        "published_at", "figures_table",
    )  # fmt: skip
    readonly_fields = fields

    def has_publish_permission(self, request):
        return request.user.has_perm("disnaker.publish_summary")

    def has_add_permission(self, request):
        return False  # summaries are built, never typed in: "Build a summary" queues one

    @admin.display(description=_("period"), ordering="period_start")
    def period_label(self, obj):
        return obj.period.label

    @admin.display(description=_("scope"))
    def scope_label(self, obj):
        return _("The whole city") if obj.scope == summaries.CITY else obj.scope

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Everything on the page is built, never typed: no save buttons.
        extra = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description=_("build state"), ordering="state")
    def state_badge(self, obj):
        if obj.is_stuck():
            # Queued again by the beat within a minute; the last built figures stay published meanwhile.
            since = date_format(timezone.localtime(obj.last_activity), "DATETIME_FORMAT") if obj.last_activity else "–"
            return format_html(
                '<strong class="summary-state-stuck">{}</strong> <small>({})</small>',
                _("Stuck"),
                _("%(state)s since %(since)s") % {"state": obj.get_state_display(), "since": since},
            )
        return format_html('<strong class="summary-state-{}">{}</strong>', obj.state, obj.get_state_display())

    @admin.display(description=_("downloads"))
    def downloads(self, obj):
        if not obj.has_figures:  # a rebuild under way or failed leaves the last built files readable
            return "–"
        xlsx = reverse("admin:disnaker_summary_xlsx", args=[obj.pk])
        if not obj.pdf:
            return format_html('<a href="{}">XLSX</a>', xlsx)
        pdf = reverse("admin:disnaker_summary_pdf", args=[obj.pk])
        return format_html('<a href="{}">PDF</a> · <a href="{}">XLSX</a>', pdf, xlsx)

    @admin.display(description=_("figures"))
    def figures_table(self, obj):
        from django.template.loader import render_to_string

        from .reports import summary_tables

        if not obj.figures:
            return "–"
        return render_to_string("admin/disnaker/summary/_figures.html", {"sections": summary_tables(obj)})

    # --- Extra pages ------------------------------------------------------------------------

    def get_urls(self):
        own = [
            path("build/", self.admin_site.admin_view(self.build_view), name="disnaker_summary_build"),
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="disnaker_summary_pdf"),
            path("<int:pk>/xlsx/", self.admin_site.admin_view(self.xlsx_view), name="disnaker_summary_xlsx"),
        ]
        return own + super().get_urls()

    def build_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BuildForm(request.POST or None, initial={"period": request.GET.get("period", "")})
        if request.method == "POST" and form.is_valid():
            summary = summaries.summary_request(period=form.cleaned_data["period"], force=form.cleaned_data["force"])
            self._report_request(request, summary, forced=form.cleaned_data["force"])
            return redirect("admin:disnaker_summary_change", summary.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Build a summary"),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/disnaker/summary/build.html", context)

    def _report_request(self, request, summary, *, forced: bool):
        if summary.is_frozen and not forced:
            self.message_user(
                request,
                _("%(period)s has ended and its figures are frozen; tick 'rebuild' to build it again.")
                % {"period": summary.period.label},
                messages.WARNING,
            )
            return
        self.log_change(request, summary, str(_("Build requested (rebuild: %(forced)s)") % {"forced": forced}))
        self.message_user(
            request, _("%(period)s is queued; its state shows here when it is done.") % {"period": summary.period.label}
        )

    def _summary_for(self, request, pk) -> Summary:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Summary, pk=pk)

    def pdf_view(self, request, pk):
        summary = self._summary_for(request, pk)
        if not summary.pdf:
            raise Http404(_("The PDF of this summary is not ready yet."))
        name = f"ringkasan-{summary.period.key}.pdf"
        return file_download(summary.pdf, filename=name)

    def xlsx_view(self, request, pk):
        from .reports import summary_xlsx

        summary = self._summary_for(request, pk)
        if not summary.has_figures:
            raise Http404(_("This summary has not been built yet."))
        return SUMMARY_EXPORT.download(summary_xlsx(summary), filename=f"ringkasan-{summary.period.key}")

    # --- Actions ----------------------------------------------------------------------------

    rebuild = ServiceAction(
        label=_("Rebuild the selected summaries (also frozen ones)"),
        service=lambda summary, actor: summaries.summary_request(
            period=summary.period, scope=summary.scope, force=True
        ),
        log=_("Rebuild requested"),
        done=_(
            "%(count)d summary(ies) queued for rebuilding; what is published stays on the public page until the "
            "new build is done."
        ),
    )
    publish = _publish_action(True, label=_("Publish on the public statistics page"), log=_("Published"))
    unpublish = _publish_action(False, label=_("Withdraw from the public statistics page"), log=_("Withdrawn"))


@admin.register(PublishedIndicator)
class PublishedIndicatorAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("code", "year", "value", "unit", "source", "entered_by", "updated_at")
    list_select_related = ("entered_by",)
    list_filter = ("code", "year", "source")
    search_fields = ("source", "note")

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
