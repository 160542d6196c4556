"""The job seekers' account area (/akun/), declared with the portal kit (``disnaker.portals``)."""

from .forms import EmailAuthenticationForm, EmailPasswordResetForm
from .portals import Portal, any_account

JOB_SEEKERS = Portal(
    name="job_seekers",
    prefixes=("/akun/",),
    member=any_account,  # an account without a person record is told why on the pages that need one
    urls={
        "login": "account_login",
        "logout": "account_logout",
        "home": "account_home",
        "password_reset": "password_reset",
        "password_reset_done": "password_reset_done",
        "set_password": "password_reset_confirm",
        "password_reset_complete": "password_reset_complete",
    },
    logout_to="home",
    login_template="disnaker/account/login.html",
    login_form=EmailAuthenticationForm,
    reset_form=EmailPasswordResetForm,
    reset_template="registration/password_reset_form.html",
    reset_email_template="registration/password_reset_email.html",
    reset_subject_template="registration/password_reset_subject.txt",
    set_password_template="registration/password_reset_confirm.html",
)

job_seeker_required = JOB_SEEKERS.required
