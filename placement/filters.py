"""Filters of the public list of open vacancies."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from disnaker.models import EducationLevel, KbjiMajorGroup

from .models import Vacancy, WorkType


class VacancyFilterForm(forms.Form):
    """Bootstrap classes on every widget (the public site's look)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


class VacancyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("Job title"), help_text=_("E.g. welder, K3, operator.")
    )
    kbji_group = django_filters.ModelChoiceFilter(
        queryset=KbjiMajorGroup.objects.all(), label=_("Occupation group (KBJI)"), empty_label=_("All occupations")
    )
    education = django_filters.ModelChoiceFilter(
        queryset=EducationLevel.objects.all(),
        method="filter_education",
        label=_("My education"),
        empty_label=_("Any education"),
        help_text=_("Shows vacancies that ask for this education or less."),
    )
    work_type = django_filters.ChoiceFilter(choices=WorkType.choices, label=_("Work type"), empty_label=_("All"))

    class Meta:
        model = Vacancy
        fields = []
        form = VacancyFilterForm

    def filter_education(self, queryset, name, value):
        return queryset.filter(Q(min_education__isnull=True) | Q(min_education__rank__lte=value.rank))
