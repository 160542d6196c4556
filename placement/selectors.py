"""Read queries of placement that other parts of the portal may call."""

from .models import CardReport, JobSeekerCard, Placement


def personal_data(person) -> dict:
    """The person's AK/1 cards and placements, for their "download my data" (``disnaker.personal_data``)."""
    return {
        "ak1_cards": JobSeekerCard.objects.filter(person=person).select_related("renews"),
        "ak1_rereports": CardReport.objects.filter(card__person=person).select_related("card"),
        "placements": Placement.objects.filter(person=person).select_related("company", "vacancy"),
    }
