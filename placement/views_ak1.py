"""(being written)"""


def ak1_home(request, *args, **kwargs):
    raise NotImplementedError


def ak1_apply(request, *args, **kwargs):
    raise NotImplementedError


def ak1_revise(request, *args, **kwargs):
    raise NotImplementedError


def ak1_rereport(request, *args, **kwargs):
    raise NotImplementedError


def ak1_renew(request, *args, **kwargs):
    raise NotImplementedError


def ak1_card_pdf(request, *args, **kwargs):
    raise NotImplementedError


def staff_document(request, *args, **kwargs):
    raise NotImplementedError
