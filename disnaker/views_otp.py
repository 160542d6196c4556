"""The staff's second factor after the password: enrol an authenticator app, or enter its code."""

from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from . import second_factor


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": gettext_lazy("Enter the 6-digit code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


def _next_url(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _page(request, template: str, context: dict):
    context = {
        **admin.site.each_context(request),
        "next": _next_url(request),
        "redirect_field_name": REDIRECT_FIELD_NAME,
        **context,
    }
    return render(request, template, context)


@never_cache
@login_required(login_url="admin:login")
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The code of the member's authenticator app, once per login."""
    if not second_factor.needs_second_factor(request.user) or request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if second_factor.confirmed_device(request.user) is None:
        return redirect("otp_enrol")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Enter the code the app shows now."))
    return _page(request, "disnaker/otp/verify.html", {"form": form, "title": _("Confirm your login")})


@never_cache
@login_required(login_url="admin:login")
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """First login: the key as a QR code and as text; the first code confirms the app holds it."""
    if not second_factor.needs_second_factor(request.user) or request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if second_factor.confirmed_device(request.user) is not None:
        return redirect("otp_verify")
    device = second_factor.device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if second_factor.device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Enter the code the app shows now."))
    context = {
        "form": form,
        "title": _("Set up your authenticator app"),
        "qr": second_factor.qr_data_uri(device),
        "secret": second_factor.secret_base32(device),
    }
    return _page(request, "disnaker/otp/enrol.html", context)
