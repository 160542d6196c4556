"""Where a placed worker came from: the source of a placement report, derived from the person's records.

The order is a priority: a BLK graduate who also holds an AK/1 card counts as BLK, so the office
sees what its own training achieved; an LPK graduate counts before an AK/1 holder for the same reason.
"""

from disnaker.models import Person
from lpk_registry import selectors as lpk_selectors
from training import selectors as training_selectors

from .models import JobSeekerCard, PlacementSource


def sources_for(person_ids) -> dict[int, str]:
    """The placement source of each person id; a few queries for any number of people."""
    ids = set(person_ids)
    blk = training_selectors.graduate_person_ids(ids)
    lpk = lpk_selectors.graduate_person_ids(ids - blk)
    rest = ids - blk - lpk
    ak1 = set(
        JobSeekerCard.objects.filter(person_id__in=rest, number__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    sources = dict.fromkeys(ids, PlacementSource.OTHER.value)
    sources.update(dict.fromkeys(ak1, PlacementSource.AK1.value))
    sources.update(dict.fromkeys(lpk, PlacementSource.LPK.value))
    sources.update(dict.fromkeys(blk, PlacementSource.BLK.value))
    return sources


def placement_source(person: Person) -> str:
    return sources_for([person.pk])[person.pk]
