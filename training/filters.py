"""Filters of the public catalogue of open batches."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from disnaker.formkit import AccessibleFormMixin

from .models import Batch, Funding, Vocation


class CatalogueFilterForm(AccessibleFormMixin, forms.Form):
    pass


class BatchFilter(django_filters.FilterSet):
    vocation = django_filters.ModelChoiceFilter(
        field_name="programme__vocation",
        queryset=Vocation.objects.all(),
        label=_("Vocation"),
        empty_label=_("All vocations"),
    )
    funding = django_filters.ChoiceFilter(choices=Funding.choices, label=_("Funding source"), empty_label=_("All"))
    start_from = django_filters.DateFilter(
        field_name="start_date",
        lookup_expr="gte",
        label=_("Starts on or after"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_to = django_filters.DateFilter(
        field_name="start_date",
        lookup_expr="lte",
        label=_("Starts on or before"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    accessible = django_filters.BooleanFilter(
        method="filter_accessible",
        label=_("Accessible for people with disabilities"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Batch
        fields = []
        form = CatalogueFilterForm

    def filter_accessible(self, queryset, name, value):
        # An unticked box means "any batch", not "only batches that are not accessible".
        return queryset.filter(is_accessible=True) if value else queryset
