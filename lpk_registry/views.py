"""(being written)"""


def dashboard(request, *args, **kwargs):
    raise NotImplementedError


def operator_login(request, *args, **kwargs):
    raise NotImplementedError


def operator_logout(request, *args, **kwargs):
    raise NotImplementedError


def set_password(request, *args, **kwargs):
    raise NotImplementedError


def password_reset(request, *args, **kwargs):
    raise NotImplementedError


def profile(request, *args, **kwargs):
    raise NotImplementedError


def report_list(request, *args, **kwargs):
    raise NotImplementedError


def report_create(request, *args, **kwargs):
    raise NotImplementedError


def report_detail(request, *args, **kwargs):
    raise NotImplementedError


def report_edit(request, *args, **kwargs):
    raise NotImplementedError


def report_submit(request, *args, **kwargs):
    raise NotImplementedError


def template_download(request, *args, **kwargs):
    raise NotImplementedError


def upload(request, *args, **kwargs):
    raise NotImplementedError


def upload_preview(request, *args, **kwargs):
    raise NotImplementedError


def upload_confirm(request, *args, **kwargs):
    raise NotImplementedError
