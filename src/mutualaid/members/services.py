"""Writes about members: accounts, invitations, memberships, join requests, tokens.

Every function here is one transaction: it either happens whole or not at all.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core import decision_gates, proofofwork, rows
from mutualaid.core import export as personal_export
from mutualaid.core.categories import language_codes
from mutualaid.core.encryption import blind_index
from mutualaid.core.forget import forget_after_commit
from mutualaid.core.ratelimit import give_back, limit
from mutualaid.members import names, notices
from mutualaid.members.models import (
    DISPLAY_NAME_MAX,
    USERNAME_MAX,
    AccessToken,
    Invitation,
    JoinRequest,
    Membership,
    Role,
    Skill,
    User,
    hash_token,
    new_token,
)

_USERNAME = re.compile(rf"^[A-Za-z0-9_.-]{{2,{USERNAME_MAX}}}$")
_PHONE_CHARS = re.compile(r"[^\d+]")
EMAIL_MAX = 254
PHONE_MAX = 32

if TYPE_CHECKING:  # memberships point at a group by foreign key; nothing here calls the groups app
    from mutualaid.groups.models import Group


def clean_skills(skills: Sequence[str]) -> list[str]:
    """The skills in the order of the list, each once; an unknown one is refused."""
    unknown = sorted(set(skills) - set(Skill.values))
    if unknown:
        raise ValidationError({"skills": [_("Choose skills from the list.")]})
    return [value for value in Skill.values if value in set(skills)]


def normalise_phone(phone: str) -> str:
    """Digits with a leading + kept, so the same number typed two ways finds one blind index."""
    phone = phone.strip()
    if not phone:
        return ""
    digits = _PHONE_CHARS.sub("", phone)
    if digits.count("+") > 1 or ("+" in digits and not digits.startswith("+")):
        raise ValidationError(
            {"phone": _("Enter a phone number with digits only, optionally starting with +.")}
        )
    if not 7 <= len(digits.lstrip("+")) <= 15:
        raise ValidationError({"phone": _("Enter a phone number of 7 to 15 digits.")})
    return digits


def normalise_email(email: str) -> str:
    email = email.strip()
    if not email:
        return ""
    from django.core.validators import validate_email

    if len(email) > EMAIL_MAX:
        raise ValidationError({"email": _("That e-mail address is too long.")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    return email.lower()


def validate_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME.match(username):
        raise ValidationError(
            {
                "username": _("Use 2 to %(max)d letters, digits, dots, dashes or underscores.")
                % {"max": USERNAME_MAX}
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken. Please choose another.")})
    return username


def _validate_profile(*, display_name: str, language: str) -> None:
    if not display_name.strip():
        raise ValidationError({"display_name": _("Choose a display name; a nickname is fine.")})
    if len(display_name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            {"display_name": _("Use at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}}
        )
    if names.claims_a_role(display_name):
        raise ValidationError(
            {
                "display_name": _(
                    "A display name cannot name a role (coordinator, admin, …): the app shows roles itself."
                )
            }
        )
    if language not in language_codes():
        raise ValidationError({"language": _("Choose a language from the list.")})


def ensure_name_is_distinct(*, user: User, display_name: str, groups: list[Any]) -> None:
    """Refuse a display name that could be mistaken for another member's in any of `groups`
    (case, accents, invisible characters and Unicode look-alikes; see `members.names`)."""
    for group in groups:
        others = list(
            Membership.objects.filter(group=group)
            .exclude(user=user)
            .select_related("user")
            .values_list("user__display_name", flat=True)
        )
        other = names.clashes(display_name, others)
        if other is not None:
            raise ValidationError(
                {
                    "display_name": _(
                        "This name looks too much like %(other)s's in %(group)s: add an initial or a "
                        "nickname so nobody mistakes one of you for the other."
                    )
                    % {"other": other, "group": group.name}
                }
            )


def _set_contact(user: User, *, email: str, phone: str) -> None:
    user.email = normalise_email(email)
    user.email_index = blind_index(user.email, purpose="email") if user.email else ""
    user.phone = normalise_phone(phone)
    user.phone_index = blind_index(user.phone, purpose="phone") if user.phone else ""


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    display_name: str,
    language: str = "en",
    email: str = "",
    phone: str = "",
    is_staff: bool = False,
) -> User:
    """Create an account. Raises ValidationError with field-keyed, translated messages."""
    username = validate_username(username)
    _validate_profile(display_name=display_name, language=language)
    user = User(username=username, display_name=display_name.strip(), language=language, is_staff=is_staff)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    _set_contact(user, email=email, phone=phone)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two sign-ups raced for the same name; the unique index decided.
        raise ValidationError({"username": _("That username is taken. Please choose another.")}) from None
    return user


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    language: str,
    email: str,
    phone: str,
    skills: Sequence[str] | None = None,
) -> User:
    """Change a member's profile; `skills` (values of Skill) is left as it is when not given."""
    _validate_profile(display_name=display_name, language=language)
    groups = [m.group for m in Membership.objects.filter(user=user).select_related("group")]
    ensure_name_is_distinct(user=user, display_name=display_name.strip(), groups=groups)
    user.display_name = display_name.strip()
    user.language = language
    if skills is not None:
        user.skills = clean_skills(skills)
    _set_contact(user, email=email, phone=phone)
    user.save()
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Remove a member's personal data. What they posted stays, attributed to nobody in particular."""
    for membership in Membership.objects.filter(user=user).select_related("group"):
        _ensure_not_last_coordinator(membership)
    Membership.objects.filter(vouched_by=user).update(vouched_by=None)
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    AccessToken.objects.filter(user=user).delete()
    Invitation.objects.filter(created_by=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()
    user.username = f"deleted-{new_token()[:12]}"
    user.display_name = _("Former member")
    user.email = user.phone = user.email_index = user.phone_index = ""
    user.skills = []
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_seen = None
    user.set_unusable_password()
    user.save()
    for forget in account_deletion_steps():
        forget(user)
    # The old name, contact details and texts out of the database's files once this commits.
    forget_after_commit(User._meta.db_table)


# Every attempt at a download counts, wrong passwords included: a stolen session cannot guess its way to
# a bulk download, and a member downloading their data a few times an hour never meets the limit.
DATA_EXPORT_RATE = "5/h"


def _code_factors(user: User) -> Any:
    """The member's second factors that give typed codes (an app's codes, recovery codes)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.WEBAUTHN)


@dataclass(frozen=True)
class ExportFactors:
    """What a member's data download asks for beside the password: a typed code (an app's codes or a
    recovery code) and/or a passkey, which can only be used in a browser with JavaScript."""

    code: bool
    passkey: bool

    @property
    def any(self) -> bool:
        return self.code or self.passkey


def data_export_factors(user: User) -> ExportFactors:
    from allauth.mfa.models import Authenticator

    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return ExportFactors(
        code=bool(kinds - {Authenticator.Type.WEBAUTHN}), passkey=Authenticator.Type.WEBAUTHN in kinds
    )


def _second_factor_code_ok(user: User, code: str) -> bool:
    """Whether `code` is a current code of one of the member's second factors."""
    return any(authenticator.wrap().validate_code(code) for authenticator in _code_factors(user))


def data_export(
    *, user: User, password: str, code: str = "", second_factor_confirmed: bool = False
) -> dict[str, Any]:
    """Everything the platform holds about `user` (core.export), once they proved it is them again.

    Their password, and their second factor when they set one up (THREATS.md: a stolen session must not
    be a bulk download): a typed code, or -- `second_factor_confirmed`, which only the web page can say --
    a second factor the session proved within the re-authentication timeout (a passkey ceremony on
    allauth's re-authentication page, as the admin's sensitive edits do; a passkey cannot be typed). A
    member whose only second factor is a passkey therefore cannot download through the API with a token
    and a password alone. Each attempt counts against the account's login lockout
    (``MUTUALAID_LOGIN_LOCKOUT``, the counter the login page keeps) before anything is checked, and a
    right answer gives it back: a stolen session guesses here no faster than at the login page. Only a
    download counts against DATA_EXPORT_RATE, so a member who mistypes is not refused the file. A
    download leaves an audit row (a read of their own record, via "export") and a notice to the member.
    The document is built here and handed back: never stored, never logged.
    """
    attempt = limit(
        scope=f"login:{user.username.strip().lower()}",
        action="login_failed",
        rate=settings.MUTUALAID_LOGIN_LOCKOUT,
    )
    errors: dict[str, list[str]] = {}
    if not password or not user.check_password(password):
        errors["password"] = [_("That password is not right.")]
    factors = data_export_factors(user)
    if factors.any and not second_factor_confirmed:
        typed = code.strip().replace(" ", "")
        if typed and factors.code:
            if not _second_factor_code_ok(user, typed):
                errors["code"] = [_("That code is not right.")]
        elif factors.code:
            errors["code"] = [_("Type a code from your second factor.")]
        else:
            errors["code"] = [
                _(
                    "Confirm it is you with your passkey first: on the page Download my data, in a "
                    "browser with JavaScript."
                )
            ]
    if errors:
        raise ValidationError(errors)
    give_back(attempt)
    # Counted outside the transaction below: a download that fails later still counts.
    limit(action="data_export", user=user, rate=DATA_EXPORT_RATE)
    from mutualaid.core.models import ReadVia, SensitiveRead

    with transaction.atomic():
        SensitiveRead.objects.create(
            reader=user, subject_type="members.user", subject_id=user.pk, fields="all", via=ReadVia.EXPORT
        )
        notices.data_exported(user)
        return personal_export.build(user)


def account_deletion_steps() -> list[Callable[[User], object]]:
    """What other apps remove when a member deletes their account.

    An app lists them as `ACCOUNT_DELETION = [function(user), ...]` in its `retention.py` (beside its
    purge rules), so members needs to know nothing about the apps built on it. Each step runs in the
    deletion's transaction: for example, the channels app drops messages still queued to the member.
    """
    from mutualaid.core.retention import app_lists

    steps: list[Callable[[User], object]] = app_lists("ACCOUNT_DELETION")
    return steps


# Invitations ---------------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, group: Group, created_by: User, role: str = Role.MEMBER, days: int | None = None, note: str = ""
) -> tuple[Invitation, str]:
    """A single-use link to join `group`. Returns the invitation and the token, which is shown once."""
    limit(user=created_by, action="invitation_create")
    days = days or settings.MUTUALAID_INVITATION_DAYS
    if not 1 <= days <= 30:
        raise ValidationError({"days": _("An invitation can last from 1 to 30 days.")})
    if len(note) > 200:
        raise ValidationError({"note": _("Use at most %(max)d characters.") % {"max": 200}})
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    token = new_token()
    invitation = Invitation.objects.create(
        group=group,
        created_by=created_by,
        token_hash=hash_token(token),
        role=role,
        note=note.strip(),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return invitation, token


class InvitationUnusable(Exception):
    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def invitation_lookup(token: str) -> Invitation:
    """The invitation behind a link, or InvitationUnusable saying why it cannot be used."""
    if not token or len(token) > 100:
        raise InvitationUnusable("invalid")
    invitation = Invitation.objects.select_related("group").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationUnusable("invalid")
    state = invitation.state()
    if state != Invitation.State.ACTIVE:
        raise InvitationUnusable(str(state))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Use an invitation: one conditional update, so two people racing for one link cannot both win."""
    invitation = invitation_lookup(token)
    if Membership.objects.filter(user=user, group=invitation.group).exists():
        raise ValidationError(_("You are already a member of %(group)s.") % {"group": invitation.group.name})
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_by=user)
    if not claimed:
        raise InvitationUnusable("used")
    ensure_name_is_distinct(user=user, display_name=user.display_name, groups=[invitation.group])
    return Membership.objects.create(
        user=user, group=invitation.group, role=invitation.role, vouched_by=invitation.created_by
    )


@transaction.atomic
def signup_with_invitation(
    *,
    token: str,
    username: str,
    password: str,
    display_name: str,
    language: str,
    email: str = "",
    phone: str = "",
) -> tuple[User, Membership]:
    invitation_lookup(token)  # refuse before creating anything
    user = user_create(
        username=username,
        password=password,
        display_name=display_name,
        language=language,
        email=email,
        phone=phone,
    )
    return user, invitation_accept(token=token, user=user)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.state() != Invitation.State.ACTIVE:
        raise ValidationError(_("Only an unused, unexpired invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


# Memberships ---------------------------------------------------------------------------------------


def _ensure_not_last_coordinator(membership: Membership) -> None:
    if membership.role != Role.COORDINATOR:
        return
    others = Membership.objects.filter(group=membership.group, role=Role.COORDINATOR).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(
            _("%(group)s would have no coordinator left. Make someone else a coordinator first.")
            % {"group": membership.group.name}
        )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    membership = Membership.objects.select_for_update().select_related("group").get(pk=membership.pk)
    if role == membership.role:
        return membership
    if role == Role.MEMBER:
        _ensure_not_last_coordinator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().select_related("group").get(pk=membership.pk)
    _ensure_not_last_coordinator(membership)
    membership.delete()


@transaction.atomic
def membership_remove(*, membership: Membership, decided: bool = False) -> int:
    """Remove a member; the members they vouched for in this group are flagged for review.

    Returns how many were flagged (THREATS.md property 9). A group may require a passed proposal to
    remove a member (core.decision_gates); `decided=True` is the decisions app applying one.
    """
    decision_gates.ensure_allowed(membership.group, decision_gates.REMOVE_MEMBER, decided=decided)
    membership = Membership.objects.select_for_update().select_related("group").get(pk=membership.pk)
    _ensure_not_last_coordinator(membership)
    flagged = Membership.objects.filter(group=membership.group, vouched_by=membership.user).update(
        needs_review=True
    )
    Invitation.objects.filter(
        group=membership.group, created_by=membership.user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    membership.delete()
    return flagged


@transaction.atomic
def membership_clear_review(*, membership: Membership) -> Membership:
    membership.needs_review = False
    membership.save(update_fields=["needs_review"])
    return membership


# Join requests -------------------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, group: Group, user: User, message: str = "") -> JoinRequest:
    limit(user=user, action="join_request_create")
    limit(scope=f"group:{group.pk}", action="join_request_group")
    if not group.accepts_requests:
        raise ValidationError(_("%(group)s joins by invitation only.") % {"group": group.name})
    if Membership.objects.filter(group=group, user=user).exists():
        raise ValidationError(_("You are already a member of %(group)s.") % {"group": group.name})
    if len(message) > 1000:
        raise ValidationError({"message": _("Use at most %(max)d characters.") % {"max": 1000}})
    if JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).exists():
        raise ValidationError(_("Your request to join %(group)s is already waiting.") % {"group": group.name})
    join_request = JoinRequest.objects.create(group=group, user=user, message=message.strip())
    notices.join_request_received(join_request)
    return join_request


def signup_with_join_request(  # type: ignore[no-untyped-def]
    *,
    group,
    username: str,
    password: str,
    display_name: str,
    language: str,
    email: str = "",
    phone: str = "",
    message: str = "",
    proof: tuple[str, str] | None = None,
) -> tuple[User, JoinRequest]:
    """Create an account that asks to join `group`; it can log in and joins only once a coordinator approves.

    No username oracle (THREATS.md property 10): whether the name chosen is free or taken, the same things
    happen — one look-up, one password hash, one account and one request written — and the visitor sees
    the same answer. A taken name gets a free variant (`ana` → `ana-4821`), which the approval tells the
    person and shows the coordinator. Until then the account cannot log in at all (its password hash waits
    on the request), so trying the chosen password tells nothing either.

    Anyone can do this without an invitation, so it is limited for the whole install (nothing tells one
    anonymous visitor from another: no address is kept), and every attempt counts, refused ones too: the
    count is taken before the transaction, so a failed sign-up does not give its count back. Each group's
    queue of requests has its own limit as well (in `join_request_create`). So that one flooding source
    cannot use that limit up for everyone, an attempt carrying a valid proof of work (`proof`: the form's
    challenge and the browser's answer) counts against its own, larger pool, whose price rises as it
    fills (`core.proofofwork`).
    """
    if not group.accepts_requests:
        raise ValidationError(_("%(group)s joins by invitation only.") % {"group": group.name})
    proofofwork.limit(action="signup_open", scope="install", proof=proof)
    chosen = username.strip()
    if not _USERNAME.match(chosen):
        validate_username(chosen)  # raises the format error, which says nothing about other accounts
    with transaction.atomic():
        taken = User.objects.filter(username__iexact=chosen).exists()
        free = _free_variant(chosen) if taken else chosen
        user = user_create(
            username=free,
            password=password,
            display_name=display_name,
            language=language,
            email=email,
            phone=phone,
        )
        pending_password = user.password
        user.set_unusable_password()
        user.save(update_fields=["password"])
        join_request = join_request_create(group=group, user=user, message=message)
        join_request.pending_password = pending_password
        join_request.username_was_taken = taken
        join_request.save(update_fields=["pending_password", "username_was_taken"])
        return user, join_request


def _free_variant(username: str) -> str:
    """A free username made of `username` and four random digits (shortened to fit)."""
    for _attempt in range(20):
        candidate = f"{username[: USERNAME_MAX - 5]}-{secrets.randbelow(10_000):04d}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    return f"{username[: USERNAME_MAX - 13]}-{secrets.token_hex(6)}"


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, decided_by: User, approve: bool) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = decided_by
    join_request.message = ""  # the reason someone gave is needed only until it is decided
    pending_password, join_request.pending_password = join_request.pending_password, ""
    join_request.save(update_fields=["status", "decided_by", "message", "pending_password"])
    if approve:
        ensure_name_is_distinct(
            user=join_request.user, display_name=join_request.user.display_name, groups=[join_request.group]
        )
        if pending_password:  # a new account: it can log in from now on
            User.objects.filter(pk=join_request.user_id).update(password=pending_password)
        Membership.objects.get_or_create(
            user=join_request.user, group=join_request.group, defaults={"vouched_by": decided_by}
        )
        notices.join_request_approved(join_request)
    return join_request


# API tokens ----------------------------------------------------------------------------------------


@transaction.atomic
def access_token_create(*, user: User, name: str) -> tuple[AccessToken, str]:
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationError({"name": _("Give the token a name of 1 to 60 characters.")})
    if AccessToken.objects.filter(user=user, revoked_at__isnull=True).count() >= 20:
        raise ValidationError(_("You have 20 active tokens; revoke one first."))
    token = AccessToken.PREFIX + new_token()
    record = AccessToken.objects.create(user=user, name=name, token_hash=hash_token(token), prefix=token[:8])
    return record, token


@transaction.atomic
def access_token_revoke(*, token: AccessToken) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def access_token_authenticate(raw: str, *, touch: bool = True) -> User | None:
    """The active member a token belongs to (None for a wrong, revoked or inactive one); `touch` keeps
    the day it was last used."""
    if not raw or not raw.startswith(AccessToken.PREFIX) or len(raw) > 100:
        return None
    # On every API call: one join by the token's unique hash, written out (`core.rows`; the ORM took about
    # 0.6 ms of CPU to build it). Read each time, so a token revoked on any app server is refused at once.
    found = rows.one_row(
        [(AccessToken, "t"), (User, "u")],
        f"FROM {rows.table(AccessToken, 't')} JOIN {rows.table(User, 'u')} ON u.id = t.user_id "
        "WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s LIMIT 1",
        [hash_token(raw), True],
    )
    if found is None:
        return None
    token: AccessToken = found[0]
    user: User = found[1]
    token.user = user
    today = timezone.localdate()
    if touch and token.last_used_on != today:
        AccessToken.objects.filter(pk=token.pk).update(last_used_on=today)
    return user


def touch_last_seen(user: User) -> None:
    today = timezone.localdate()
    if user.last_seen != today:
        User.objects.filter(pk=user.pk).update(last_seen=today)
        user.last_seen = today


def member_language_set(*, user: User, language: str) -> None:
    """The footer's language switch, used by a logged-in member, changes their preferred language (their
    profile language otherwise wins on every page, and the switch seemed to do nothing)."""
    if language in language_codes() and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
