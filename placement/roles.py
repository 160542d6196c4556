"""What the staff officers may do on the placement models (collected by ``disnaker.roles``)."""

from disnaker.roles import ALL, PLACEMENT_OFFICER

GRANTS = {PLACEMENT_OFFICER: ALL}
