from . import admin_ak1  # noqa: F401 - registers the AK/1 admin
