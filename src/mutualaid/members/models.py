"""Pseudonymous accounts, per-group roles, invitations (vouching), join requests, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Language
from mutualaid.core.classification import COARSE, PUBLIC, SECRET
from mutualaid.core.fields import BlindIndexField, EncryptedTextField

USERNAME_MAX = 40
DISPLAY_NAME_MAX = 60


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class MemberManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)

    def create_user(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, email, password, **extra)


class Skill(models.TextChoices):
    """What a member can do for the group, chosen from one list so a shift role can ask for it and a
    coordinator can call on everyone who has it."""

    DRIVER = "driver", _("Driving (with a car)")
    CYCLIST = "cyclist", _("Cycling deliveries")
    LIFTING = "lifting", _("Lifting and moving")
    COOKING = "cooking", _("Cooking")
    FOOD_SAFETY = "food_safety", _("Food handling")
    CHILDCARE = "childcare", _("Childcare")
    FIRST_AID = "first_aid", _("First aid")
    INTERPRETING = "interpreting", _("Interpreting")
    PHONE = "phone", _("Phone banking")
    TECH = "tech", _("Computers and phones")
    REPAIRS = "repairs", _("Repairs")
    LEAD = "lead", _("Leading a shift")


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the install. The display name is a pseudonym; contact details are encrypted."""

    username = models.CharField(_("username"), max_length=USERNAME_MAX, unique=True)
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX)
    language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices, default="en")
    email = EncryptedTextField(_("e-mail"))
    email_index = BlindIndexField()
    phone = EncryptedTextField(_("phone"))
    phone_index = BlindIndexField()
    skills = models.JSONField(_("skills"), default=list, blank=True)  # values of Skill
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateField(default=timezone.localdate)
    last_seen = models.DateField(null=True, blank=True)
    # Day granularity only, and no login history (THREATS.md property 6).
    last_login = None

    objects: ClassVar[MemberManager] = MemberManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    data_classification = {
        "password": (SECRET, "salted password hash"),
        "username": (PUBLIC, "login name (members are asked to use a pseudonym)"),
        "display_name": (PUBLIC, "pseudonym shown to other members"),
        "language": (PUBLIC, "preferred language"),
        "skills": (PUBLIC, "what a member can do (driving, first aid…), chosen from a fixed list"),
        "is_active": (PUBLIC, "whether the account can log in"),
        "is_staff": (PUBLIC, "whether the account operates the server"),
        "is_superuser": (PUBLIC, "whether the account operates the server"),
        "date_joined": (COARSE, "day the account was created"),
        "last_seen": (COARSE, "day of last activity (no time, no history)"),
    }

    class Meta:
        verbose_name = _("member")
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("username"), name="username_unique_case_insensitive"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_username(self) -> str:
        return self.username


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class Membership(models.Model):
    """A member's place in one group. Coordinators are members with extra duties, not owners."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(default=timezone.localdate)
    # Who vouched (invited or approved). The invite tree is a social graph: kept only as one edge,
    # cleared when either side leaves (docs/security.md explains the trade-off).
    vouched_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    needs_review = models.BooleanField(default=False)

    data_classification = {
        "user": (PUBLIC, "which account belongs to which group"),
        "group": (PUBLIC, "which account belongs to which group"),
        "role": (PUBLIC, "member or coordinator"),
        "joined_on": (COARSE, "day the member joined"),
        "vouched_by": (PUBLIC, "who vouched for the member (one edge of the invite tree)"),
        "needs_review": (PUBLIC, "the member was vouched for by someone later removed"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("user", "group", name="one_membership_per_group")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


class Invitation(models.Model):
    """A single-use, expiring, revocable link to join a group. Only the token's hash is stored."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    note = EncryptedTextField(_("note"))
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "group": (PUBLIC, "which group the invitation is for"),
        "created_by": (PUBLIC, "who vouched by inviting"),
        "token_hash": (SECRET, "hash of the invitation link"),
        "role": (PUBLIC, "role the invitee receives"),
        "created_at": (PUBLIC, "when the invitation was made"),
        "expires_at": (PUBLIC, "when it expires"),
        "used_at": (PUBLIC, "when it was used"),
        "used_by": (PUBLIC, "who used it (links inviter and invitee)"),
        "revoked_at": (PUBLIC, "when it was revoked"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at"]

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    def __str__(self) -> str:
        return f"invitation to {self.group_id} ({self.state().label})"

    def state(self) -> Invitation.State:
        if self.revoked_at:
            return Invitation.State.REVOKED
        if self.used_at:
            return Invitation.State.USED
        if self.expires_at <= timezone.now():
            return Invitation.State.EXPIRED
        return Invitation.State.ACTIVE


class JoinRequest(models.Model):
    """Someone asked to join a group that accepts requests; a coordinator approves or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    message = EncryptedTextField(_("message"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_on = models.DateField(default=timezone.localdate)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A new account asking to join logs in only once approved: until then its password hash waits here and
    # the account's own password is unusable (members.services.signup_with_join_request).
    pending_password = models.CharField(max_length=128, blank=True, default="")
    # The username chosen at sign-up was taken: the account got a free variant, shown on approval.
    username_was_taken = models.BooleanField(default=False)

    data_classification = {
        "group": (PUBLIC, "which group someone asked to join"),
        "user": (PUBLIC, "who asked to join"),
        "pending_password": (SECRET, "password hash of a new account until its request is approved"),
        "username_was_taken": (PUBLIC, "whether the new account's chosen username was given a variant"),
        "status": (PUBLIC, "pending, approved or declined"),
        "created_on": (COARSE, "day of the request"),
        "decided_by": (PUBLIC, "which coordinator decided"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "group", "user", condition=models.Q(status="pending"), name="one_pending_request_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"request to join {self.group_id} ({self.status})"


class AccessToken(models.Model):
    """A personal access token for the API. Shown once; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = EncryptedTextField(_("name"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_on = models.DateField(default=timezone.localdate)
    last_used_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    PREFIX = "mat_"

    data_classification = {
        "user": (PUBLIC, "whose token it is"),
        "token_hash": (SECRET, "hash of the token"),
        "prefix": (PUBLIC, "first characters of the token, to tell tokens apart"),
        "created_on": (COARSE, "day the token was created"),
        "last_used_on": (COARSE, "day the token was last used"),
        "revoked_at": (PUBLIC, "when the token was revoked"),
    }

    class Meta:
        ordering: ClassVar = ["-created_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
