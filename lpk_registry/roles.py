"""What the staff officers may do on the LPK registry's models (collected by ``disnaker.roles``)."""

from disnaker.roles import ALL, LPK_SUPERVISOR

GRANTS = {LPK_SUPERVISOR: ALL}
