"""The portal's URLs and ``bench/ceiling/``: the same middleware, one row read, no template.

Its requests per second are what this server can do at best; bench/load.py sets every page against it.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from disnaker.models import KbjiMajorGroup


@require_GET
def ceiling(request):
    group = KbjiMajorGroup.objects.order_by("pk").first()
    return HttpResponse(group.name if group else "-", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("", include("disnaker.urls")),
]
