"""Read queries of the LPK registry that other parts of the portal may call."""

from .models import ReportGraduate


def graduate_person_ids(person_ids) -> set[int]:
    """Those of ``person_ids`` an LPK has reported as its graduates, in any report."""
    return set(
        ReportGraduate.objects.filter(person_id__in=list(person_ids)).values_list("person_id", flat=True).distinct()
    )


def personal_data(person) -> dict:
    """The person as graduate of LPKs, for their "download my data" (``disnaker.personal_data``)."""
    return {"lpk_graduations": ReportGraduate.objects.filter(person=person).select_related("report__institution")}
