from django import template
from django.urls import NoReverseMatch, reverse

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
