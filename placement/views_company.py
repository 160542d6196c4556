"""(being written)"""


def company_dashboard(request, *args, **kwargs):
    raise NotImplementedError


def company_register(request, *args, **kwargs):
    raise NotImplementedError


def company_login(request, *args, **kwargs):
    raise NotImplementedError


def company_logout(request, *args, **kwargs):
    raise NotImplementedError


def set_password(request, *args, **kwargs):
    raise NotImplementedError


def company_users(request, *args, **kwargs):
    raise NotImplementedError


def vacancy_list(request, *args, **kwargs):
    raise NotImplementedError


def vacancy_create(request, *args, **kwargs):
    raise NotImplementedError


def vacancy_detail(request, *args, **kwargs):
    raise NotImplementedError


def vacancy_status(request, *args, **kwargs):
    raise NotImplementedError


def placement_list(request, *args, **kwargs):
    raise NotImplementedError


def placement_create(request, *args, **kwargs):
    raise NotImplementedError


def placement_upload(request, *args, **kwargs):
    raise NotImplementedError


def layoff_create(request, *args, **kwargs):
    raise NotImplementedError


def proof_pdf(request, *args, **kwargs):
    raise NotImplementedError
