"""Forms of the public training pages: registration with documents, alumni tracer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from disnaker.formkit import AccessibleFormMixin, DocumentField

from .models import TracerStatus, WageBand


class RegistrationForm(AccessibleFormMixin, forms.Form):
    ktp_document = DocumentField(
        label=_("Scan or photo of your KTP (identity card)"),
        help_text=_("PDF, JPG or PNG, at most 2 MB."),
    )
    diploma_document = DocumentField(
        label=_("Scan or photo of your latest diploma (ijazah)"),
        help_text=_("PDF, JPG or PNG, at most 2 MB."),
    )
    # Rendered only when the batch is full and takes reserves; unticked otherwise.
    join_reserve = forms.BooleanField(
        label=_("Join the reserve list"),
        help_text=_("If a participant withdraws, the first reserve gets the seat automatically and is told by e-mail."),
        required=False,
    )


class TracerForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("What are you doing now?"), choices=TracerStatus.choices, widget=forms.RadioSelect
    )
    company = forms.CharField(
        label=_("Company or business name"),
        max_length=200,
        required=False,
        help_text=_("If you work or run a business."),
    )
    position = forms.CharField(label=_("Position or kind of work"), max_length=200, required=False)
    wage_band = forms.ChoiceField(
        label=_("Monthly income"),
        choices=[*WageBand.choices, ("", _("I prefer not to say"))],
        required=False,
        widget=forms.RadioSelect,
    )
    relevance = forms.TypedChoiceField(
        label=_("How useful was the training for you?"),
        help_text=_("1 = not useful at all, 5 = very useful."),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
