"""(being written)"""


def send_operator_invitation(operator):
    raise NotImplementedError
