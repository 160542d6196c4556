from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from disnaker.idempotency import FIELD_NAME

register = template.Library()


@register.simple_tag
def url_if_exists(name, *args, **kwargs):
    """The URL for ``name``, or "" while that part of the portal is not installed yet.

    Lets a page link to a service only once its URLs exist, instead of failing to render
    the way ``{% url %}`` does.
    """
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def submission_key(context):
    """The hidden one-time key of a form whose view is ``disnaker.idempotency.submitted_once``."""
    key = getattr(context["request"], "submission_key", None)
    if key is None:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, key)
