"""Writes on people and job-seeker accounts, shared by every part of the portal."""

import datetime
import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audited
from .models import NikClaim, Person
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


def _user_create(*, email: str, password: str, name: str):
    User = get_user_model()
    # Also another account's e-mail: a password reset goes to every account with that address.
    email, existing = account_for_email(email)
    if existing is not None:
        raise ValidationError({"email": _("An account with this e-mail already exists. Log in or reset the password.")})
    first, _sep, last = name.strip().partition(" ")
    user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same e-mail signed up in a concurrent request: a form error, not a 500.
        raise ValidationError(
            {"email": _("An account with this e-mail already exists. Log in or reset the password.")}
        ) from None
    return user


@transaction.atomic
def account_signup(*, nik: str, email: str, password: str, **person_fields):
    """Creates a job seeker's account and links it to the person with that NIK.

    An unknown NIK makes a new person. A known one is claimed only when name and birth date
    match and no other account holds it; otherwise the account is made without a person and a
    ``NikClaim`` goes to staff. Nothing of the existing record is shown to the applicant.
    Returns ``(user, claim)``; ``claim`` is None when the account is linked.
    """
    nik = normalize_nik(nik)
    _check_name(person_fields.get("name", ""))
    user = _user_create(email=email, password=password, name=person_fields.get("name", ""))
    person = Person.objects.select_for_update().filter(nik=nik).first()
    if person is None:
        try:
            person = person_create(nik=nik, email=user.email, **person_fields)
        except ValidationError:
            # Another sign-up created this NIK a moment ago: treat it as a known NIK.
            person = Person.objects.select_for_update().filter(nik=nik).first()
            if person is None:
                raise
        else:
            _link(person, user)
            return user, None
    if (
        person.user_id is None
        and _same_name(person.name, person_fields["name"])
        and (person.birth_date == person_fields["birth_date"])
    ):
        _link(person, user)
        return user, None
    reason = _("The NIK is linked to another account.") if person.user_id else _("The details differ from the record.")
    claim = NikClaim(
        user=user, nik=nik, name=person_fields["name"], sex=person_fields["sex"],
        birth_date=person_fields["birth_date"], reason=reason,
    )  # fmt: skip
    claim.full_clean()
    claim.save()
    return user, claim


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


@audited
@transaction.atomic
def nik_claim_link(*, claim: NikClaim, actor, note: str = "", now: datetime.datetime | None = None) -> Person:
    """Staff saw the KTP: the account gets the record, taken from any other account."""
    claim = NikClaim.objects.select_for_update().get(pk=claim.pk)
    _require_open(claim)
    _require_account_without_person(claim)
    person = Person.objects.select_for_update().filter(nik=claim.nik).first()
    if person is None:
        raise ValidationError(_("No person with this NIK exists any more; correct the NIK instead."), code="gone")
    person.user = None
    person.save(update_fields=["user", "updated_at"])
    _link(person, claim.user)
    _decide(claim, NikClaim.Status.LINKED, actor, note, now)
    return person


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
