"""django-celery-beat's schedules in the one admin site, with a crontab form that survives bad input."""

from celery.schedules import ParseException
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule

admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    @admin.display(description=_("Human readable"))
    def human_readable(self, obj) -> str:
        # The form shown again with its errors holds the values typed (e.g. a negative minute), which Celery
        # cannot read as a schedule: the page says so instead of failing.
        try:
            return obj.human_readable
        except (ParseException, ValueError):
            return _("not a valid schedule")
