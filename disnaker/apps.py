from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class DisnakerAdminConfig(AdminConfig):
    """Installs the portal's one admin site, so apps keep plain ``@admin.register``."""

    default_site = "disnaker.admin_site.DisnakerAdminSite"


class DisnakerConfig(AppConfig):
    name = "disnaker"
    verbose_name = _("People, regions and summaries")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import worker_ready
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from . import dashboard, middleware, outbox

        # A login counts as activity: the staff idle timeout starts from it.
        user_logged_in.connect(middleware.stamp_activity, dispatch_uid="staff-activity-at-login")
        # What the outbox kept while the broker was down goes as soon as a worker is up.
        worker_ready.connect(outbox.relay_at_worker_start, dispatch_uid="outbox-relay-at-worker-start")

        for model in dashboard.queue_models():  # the dashboard's cached queue counts
            label = model._meta.label
            post_save.connect(dashboard.forget_counts, sender=model, dispatch_uid=f"work-waiting-save-{label}")
            post_delete.connect(dashboard.forget_counts, sender=model, dispatch_uid=f"work-waiting-delete-{label}")
