"""(being written)"""


def template_download(request, *args, **kwargs):
    raise NotImplementedError


def upload(request, *args, **kwargs):
    raise NotImplementedError


def upload_preview(request, *args, **kwargs):
    raise NotImplementedError


def upload_confirm(request, *args, **kwargs):
    raise NotImplementedError
