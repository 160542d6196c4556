"""(being written)"""


def send_due_reminders():
    raise NotImplementedError
