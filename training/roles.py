"""What the staff officers may do on the training models (collected by ``disnaker.roles``)."""

from disnaker.roles import ALL, PLACEMENT_OFFICER, READ, TRAINING_OFFICER

# Placement officers read the training records to match graduates with vacancies.
GRANTS = {TRAINING_OFFICER: ALL, PLACEMENT_OFFICER: READ}
