from django.conf import settings


def office(request):
    """The city and office named in settings, for letterheads, titles and footers."""
    return {
        "office": {
            "name": settings.OFFICE_NAME,
            "short_name": settings.OFFICE_SHORT_NAME,
            "government": settings.OFFICE_GOVERNMENT,
            "city": settings.CITY_NAME,
            "address": settings.OFFICE_ADDRESS,
            "phone": settings.OFFICE_PHONE,
            "email": settings.OFFICE_EMAIL,
            "website": settings.OFFICE_WEBSITE,
        }
    }
