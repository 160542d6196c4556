"""Writes on people and job-seeker accounts, shared by every part of the portal."""

import datetime
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import mail
from .audit import audited
from .models import NikClaim, PendingSignup, Person
from .nik import normalize_nik
from .validators import normalize_text, validate_person_name

PERSON_FIELDS = (
    "name", "sex", "birth_place", "birth_date", "address", "kelurahan", "education",
    "disability", "disability_notes", "phone", "email",
)  # fmt: skip


def _same_name(a: str, b: str) -> bool:
    """Equal but for case, spacing and punctuation. Letters outside a-z count too (accents, and
    records kept from before names were checked), so that two different names never both reduce
    to "" and match."""

    def simplify(name):
        return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())

    return bool(simplify(a)) and simplify(a) == simplify(b)


def person_create(*, nik: str, **fields) -> Person:
    """Creates a person; a NIK taken meanwhile by another request becomes a form error, not a 500."""
    person = Person(nik=normalize_nik(nik), **{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationError({"nik": _("A person with this NIK is already registered.")}) from None
    return person


@transaction.atomic
def person_update(*, person: Person, **fields) -> Person:
    for name, value in fields.items():
        if name in PERSON_FIELDS:
            setattr(person, name, value)
    person.full_clean()
    person.save()
    return person


def account_for_email(email: str):
    """``(normalised e-mail, the account using it or None)``: by username or e-mail, staff first,
    since staff usernames are not e-mails and nobody should get a second account."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("-is_staff", "pk").first()
    return email, user


def account_create_invited(*, email: str):
    """An organisation's new account without a password: the invitation link lets them set one."""
    User = get_user_model()
    user = User(username=email, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


SIGNUP_CONFIRM = "confirm"  # a new or still unconfirmed account: the confirmation link is sent
SIGNUP_EXISTS = "exists"  # the address already has an account: an e-mail says so


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """The confirmation link of a sign-up. Its hash covers the password, the last login and whether
    the account is active, so it stops working once used, once a later sign-up replaced the
    earlier one, and for any account that has ever logged in; it expires after PASSWORD_RESET_TIMEOUT."""

    key_salt = "disnaker.services.SignupTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_token = SignupTokenGenerator()


def _details_dump(person_fields: dict) -> dict:
    """What the applicant typed, as JSON: dates as ISO strings, master data by id."""
    details = {}
    for name, value in person_fields.items():
        if name not in PERSON_FIELDS or name == "email":
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(value, "pk"):
            value = value.pk
        details[name] = value
    return details


def _details_load(details: dict) -> dict:
    fields = dict(details)
    fields["birth_date"] = datetime.date.fromisoformat(fields["birth_date"])
    for name in ("kelurahan", "education"):
        if fields.get(name) is not None:
            fields[name] = Person._meta.get_field(name).related_model.objects.filter(pk=fields[name]).first()
    return fields


def _pending_fill(user, *, nik: str, password: str, name: str) -> None:
    first, _sep, last = name.strip().partition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    user.set_password(password)  # changes the hash of the earlier link, which stops working
    user.full_clean(exclude=["password"])


@transaction.atomic
def account_signup(*, nik: str, email: str, password: str, **person_fields):
    """Records a sign-up and says which e-mail to send: ``(SIGNUP_CONFIRM | SIGNUP_EXISTS, account)``.

    Nothing is linked here and the account stays inactive: the confirmation link
    (``account_confirm``) makes the person, or a claim that waits for proof when a record holds the
    NIK. An address that already has an account gets an e-mail saying so; a sign-up that was never
    confirmed is replaced by the latest one. The caller answers every case the same way.
    """
    User = get_user_model()
    _check_name(person_fields.get("name", ""))
    nik = normalize_nik(nik)
    details = _details_dump(person_fields)
    email, existing = account_for_email(email)
    if existing is not None:
        pending = PendingSignup.objects.select_for_update().filter(user=existing).first()
        if pending is None:
            make_password(password)  # as long as a new account takes, so the time tells nothing either
            return SIGNUP_EXISTS, existing
        _pending_fill(existing, nik=nik, password=password, name=person_fields.get("name", ""))
        existing.save()
        pending.nik, pending.details, pending.created_at = nik, details, timezone.now()
        pending.save()
        return SIGNUP_CONFIRM, existing
    user = User(username=email, email=email, is_active=False)
    _pending_fill(user, nik=nik, password=password, name=person_fields.get("name", ""))
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same e-mail signed up in a concurrent request: that account exists now.
        return SIGNUP_EXISTS, account_for_email(email)[1]
    PendingSignup.objects.create(user=user, nik=nik, details=details)
    return SIGNUP_CONFIRM, user


def account_signup_notify(*, kind: str, user, email: str) -> None:
    """The one e-mail a sign-up sends: the confirmation link, or "you already have an account"."""
    if kind == SIGNUP_CONFIRM:
        uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
        url = mail.absolute_reverse("account_confirm", uidb64=uidb64, token=signup_token.make_token(user))
        context = {"confirm_url": url, "name": user.first_name, "expires_at": _link_expiry()}
        mail.send("disnaker/email/signup_confirm", context, [user.email])
    else:
        context = {
            "login_url": mail.absolute_reverse("account_login"),
            "reset_url": mail.absolute_reverse("password_reset"),
        }
        mail.send("disnaker/email/signup_exists", context, [email])


def _link_expiry() -> datetime.datetime:
    return timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def account_signup_resend(*, email: str) -> bool:
    """Sends the confirmation link again to an account still waiting for it; nothing otherwise."""
    _email, user = account_for_email(email)
    if user is None or not PendingSignup.objects.filter(user=user).exists():
        return False
    account_signup_notify(kind=SIGNUP_CONFIRM, user=user, email=user.email)
    return True


@transaction.atomic
def account_confirm(*, user) -> NikClaim | None:
    """The confirmation link was used: the account becomes active, and the NIK it signed up with
    makes a new person linked to it, or — when a record already holds that NIK, whoever made it —
    a claim that waits for proof (a code sent to the record's e-mail, or staff checking the KTP).
    Returns the claim, or None when the account got its new person."""
    pending = PendingSignup.objects.select_for_update().get(user=user)
    nik, details = pending.nik, _details_load(pending.details)
    pending.delete()
    user.is_active = True
    user.save(update_fields=["is_active"])
    person = Person.objects.select_for_update().filter(nik=nik).first()
    if person is None:
        try:
            person = person_create(nik=nik, email=user.email, **details)
        except ValidationError:
            # Another sign-up created this NIK a moment ago: treat it as a known NIK.
            person = Person.objects.select_for_update().filter(nik=nik).first()
            if person is None:
                raise
        else:
            _link(person, user)
            return None
    if person.user_id:
        reason = _("The NIK is linked to another account.")
    elif _same_name(person.name, details["name"]) and person.birth_date == details["birth_date"]:
        reason = _("A record without an account has this NIK; the applicant must prove it is theirs.")
    else:
        reason = _("The details differ from the record.")
    claim = NikClaim(
        user=user, nik=nik, name=details["name"], sex=details["sex"], birth_date=details["birth_date"], reason=reason
    )
    claim.full_clean()
    claim.save()
    return claim


@audited
@transaction.atomic
def nik_claim_link(*, claim: NikClaim, actor, note: str = "", now: datetime.datetime | None = None) -> Person:
    """Staff saw the KTP: the account gets the record, taken from any other account."""
    claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
    _require_open(claim)
    return _claim_link(claim, NikClaim.Status.LINKED, actor, note, now)


def _claim_link(claim: NikClaim, status: str, actor, note: str, now) -> Person:
    _require_account_without_person(claim)
    person = Person.objects.select_for_update().filter(nik=claim.nik).first()
    if person is None:
        raise ValidationError(_("No person with this NIK exists any more; correct the NIK instead."), code="gone")
    person.user = None
    person.save(update_fields=["user", "updated_at"])
    _link(person, claim.user)
    _decide(claim, status, actor, note, now)
    return person


def _check_name(name: str) -> None:
    """The name typed at sign-up is checked before anything, also when it would match a record."""
    try:
        validate_person_name(normalize_text(name))
    except ValidationError as error:
        raise ValidationError({"name": error.error_list}) from None


def _link(person: Person, user) -> None:
    person.user = user
    if not person.email:
        person.email = user.email
    person.save(update_fields=["user", "email", "updated_at"])


def _code_hash(claim: NikClaim, code: str) -> str:
    return salted_hmac("disnaker.services.claim-code", f"{claim.pk}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def nik_claim_send_code(*, claim: NikClaim, now: datetime.datetime | None = None) -> bool:
    """E-mails a new 6-digit code to the address already on the record, which the claimant must
    enter; any earlier code stops working. False when the record has no e-mail (staff must decide)."""
    claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
    _require_open(claim)
    person = Person.objects.filter(nik=claim.nik).first()
    if person is None or not person.email:
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    claim.code_hash = _code_hash(claim, code)
    claim.code_expires_at = (now or timezone.now()) + datetime.timedelta(minutes=settings.CLAIM_CODE_MINUTES)
    claim.code_attempts = 0
    claim.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    context = {"code": code, "minutes": settings.CLAIM_CODE_MINUTES}
    mail.send("disnaker/email/claim_code", context, [person.email])
    return True


def nik_claim_check_code(*, claim: NikClaim, code: str, now: datetime.datetime | None = None) -> Person:
    """The code from the record's e-mail links the record to the claimant's account; a wrong one
    counts against the code, which dies after CLAIM_CODE_ATTEMPTS wrong tries or CLAIM_CODE_MINUTES."""
    with transaction.atomic():
        claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
        _require_open(claim)
        error = _code_error(claim, code, now or timezone.now())
        if error is None:
            claim.code_hash, claim.code_expires_at = "", None
            return _claim_link(claim, NikClaim.Status.CODE, None, "", now)
        if error.code == "wrong":
            claim.code_attempts += 1  # kept: the error is raised after this commits
            claim.save(update_fields=["code_attempts"])
    raise error


def _code_error(claim: NikClaim, code: str, now: datetime.datetime) -> ValidationError | None:
    if not claim.code_hash or claim.code_attempts >= settings.CLAIM_CODE_ATTEMPTS:
        return ValidationError(_("This code no longer works. Ask for a new code."), code="dead")
    if claim.code_expires_at <= now:
        return ValidationError(_("This code has expired. Ask for a new code."), code="expired")
    if not constant_time_compare(claim.code_hash, _code_hash(claim, code)):
        return ValidationError(_("This code is wrong. Check the e-mail and type the 6 digits again."), code="wrong")
    return None


@transaction.atomic
def nik_claim_attach_ktp(*, claim: NikClaim, document) -> NikClaim:
    """The claimant's KTP scan, for staff to compare with the record before they link it."""
    claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
    _require_open(claim)
    old = claim.ktp_document.name
    claim.ktp_document.save(document.name, document, save=False)
    claim.save(update_fields=["ktp_document"])
    if old:
        transaction.on_commit(lambda: claim.ktp_document.storage.delete(old))
    return claim


@audited
@transaction.atomic
def nik_claim_correct(*, claim: NikClaim, correct_nik: str, actor, note: str = "", now=None) -> Person:
    """The NIK was mistyped: a new person is made with the right NIK for the account."""
    claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
    _require_open(claim)
    _require_account_without_person(claim)
    person = person_create(nik=correct_nik, name=claim.name, sex=claim.sex, birth_date=claim.birth_date)
    _link(person, claim.user)
    _decide(claim, NikClaim.Status.CORRECTED, actor, note, now)
    return person


@audited
@transaction.atomic
def nik_claim_reject(*, claim: NikClaim, actor, note: str, now=None) -> NikClaim:
    claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
    _require_open(claim)
    if not note.strip():
        raise ValidationError({"staff_note": _("Give the reason for the rejection.")})
    _decide(claim, NikClaim.Status.REJECTED, actor, note, now)
    return claim


def _require_open(claim: NikClaim) -> None:
    if claim.status != NikClaim.Status.OPEN:
        raise ValidationError(_("This claim has already been decided."), code="status")


def _require_account_without_person(claim: NikClaim) -> None:
    # Person.user is one-to-one: linking an account that meanwhile got a person would fail in the database.
    if Person.objects.filter(user_id=claim.user_id).exists():
        raise ValidationError(_("This account is already linked to a person."), code="linked")


def _decide(claim: NikClaim, status: str, actor, note: str, now) -> None:
    claim.status = status
    claim.staff_note = note
    claim.decided_by = actor
    claim.decided_at = now or timezone.now()
    claim.save()
