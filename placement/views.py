"""(being written)"""


def vacancy_list(request, *args, **kwargs):
    raise NotImplementedError


def vacancy_detail(request, *args, **kwargs):
    raise NotImplementedError


def report_verify(request, *args, **kwargs):
    raise NotImplementedError


def matching(request, *args, **kwargs):
    raise NotImplementedError


def matching_export(request, *args, **kwargs):
    raise NotImplementedError
