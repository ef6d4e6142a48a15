"""Needs and offers: one symmetric `Post` (kind = need | offer), its claims, history and conversations.

Why one model for both sides: principle 1 (solidarity, not charity) — the same member asks and offers,
and the two sides share every field the matching engine reads (category, coarse cell centre, quantity,
urgency, window, created time). An offer's quantity is its capacity; `max_km` is read only on offers.

Personal fields: `title`, `details`, `unit`, `address`, `private_note` (Post), every field of
`Contact`, `Message.body` are encrypted: nothing a person typed is readable from a seized database.
Search goes through `PostToken`, keyed digests of the terms of titles and details. `closed_at` is set when a post reaches a final state, so retention can purge on it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualaid.core.categories import Category
from mutualaid.core.classification import COARSE, PUBLIC, SECRET
from mutualaid.core.fields import BlindIndexField, EncryptedTextField

TITLE_MAX = 120
DETAILS_MAX = 2000
UNIT_MAX = 30
AREA_MAX = 100
ADDRESS_MAX = 300
MESSAGE_MAX = 2000
QUANTITY_MAX = 1000


class Kind(models.TextChoices):
    NEED = "need", _("Need")
    OFFER = "offer", _("Offer")


class Urgency(models.TextChoices):
    TODAY = "today", _("Today")
    WEEK = "week", _("This week")
    FLEXIBLE = "flexible", _("Flexible")


class Visibility(models.TextChoices):
    GROUP = "group", _("The whole group")
    COORDINATORS = "coordinators", _("Coordinators only")


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("post status", "Open")
    CLAIMED = "claimed", _("Claimed")
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


ACTIVE_STATUSES = (Status.OPEN, Status.CLAIMED, Status.IN_PROGRESS)
FINAL_STATUSES = (Status.FULFILLED, Status.WITHDRAWN)


class Contact(models.Model):
    """A neighbour without an account (taken in by phone, on paper, or imported from a sheet).

    Held privately by the group: only coordinators and the member who took them in see the details.
    """

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="contacts")
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"))
    phone_index = BlindIndexField()
    email = EncryptedTextField(_("e-mail"))
    note = EncryptedTextField(_("private note"))
    languages = models.JSONField(default=list, blank=True)
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey("members.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_on = models.DateField(default=timezone.localdate)
    source = models.CharField(max_length=10, default="intake")  # intake | import

    data_classification = {
        "group": (PUBLIC, "which group holds a contact"),
        "languages": (PUBLIC, "languages the contact speaks"),
        "household_size": (COARSE, "number of people in the contact's household"),
        "created_by": (PUBLIC, "which member took the contact in"),
        "created_on": (COARSE, "day the contact was taken in"),
        "source": (PUBLIC, "intake or spreadsheet import"),
    }

    def __str__(self) -> str:
        return f"contact {self.pk}"


class Post(models.Model):
    """A need or an offer in one group."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    author = models.ForeignKey("members.User", null=True, on_delete=models.SET_NULL, related_name="posts")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # Sealed: the words of a need are the most sensitive thing the server holds. Searched through
    # `PostToken` (keyed digests of their terms), never by the database.
    title = EncryptedTextField(_("title"), max_length=TITLE_MAX, blank=False)
    details = EncryptedTextField(_("details"), max_length=DETAILS_MAX)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit = EncryptedTextField(_("unit"), max_length=UNIT_MAX)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.FLEXIBLE)
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    recurring = models.BooleanField(_("recurring"), default=False)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    area = models.CharField(_("area"), max_length=AREA_MAX, blank=True)
    cell = models.CharField(max_length=20, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    max_km = models.FloatField(_("how far you can go (km)"), null=True, blank=True)
    address = EncryptedTextField(_("exact address"))
    private_note = EncryptedTextField(_("private note"))
    visibility = models.CharField(
        _("who can see it"), max_length=12, choices=Visibility.choices, default=Visibility.GROUP
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    imported = models.BooleanField(default=False)
    # The area it came with (from an import row or a text message) could not be placed on the map: it
    # sits at the group's centre, flagged, until a coordinator gives it a place the group knows.
    area_unplaced = models.BooleanField(_("area not placed"), default=False)
    # Keyed HMAC of the sheet row a post came from (when, who, what): importing next week's export of the
    # same form skips the rows already brought in. Reveals nothing without the key ring.
    import_key = BlindIndexField()
    # Which key of the key ring the post's search tokens are under ("" until indexed).
    search_key = models.CharField(max_length=8, blank=True, default="")

    data_classification = {
        "group": (PUBLIC, "which group a need or offer belongs to"),
        "kind": (PUBLIC, "need or offer"),
        "author": (PUBLIC, "which member posted (or took in) a need or offer"),
        "contact": (PUBLIC, "that the post is held for a neighbour without an account"),
        "category": (PUBLIC, "kind of help asked or offered"),
        "quantity": (PUBLIC, "how many units"),
        "urgency": (PUBLIC, "today, this week or flexible"),
        "window_start": (PUBLIC, "start of the time window"),
        "window_end": (PUBLIC, "end of the time window"),
        "recurring": (PUBLIC, "whether it repeats"),
        "languages": (PUBLIC, "languages the poster speaks"),
        "area": (COARSE, "postal code or neighbourhood name"),
        "cell": (COARSE, "~0.7 km² H3 cell"),
        "lat": (COARSE, "centre of the coarse cell"),
        "lon": (COARSE, "centre of the coarse cell"),
        "max_km": (PUBLIC, "how far a helper can travel"),
        "visibility": (PUBLIC, "whole group or coordinators only"),
        "status": (PUBLIC, "life-cycle state"),
        "created_at": (PUBLIC, "when it was posted"),
        "updated_at": (PUBLIC, "when it last changed"),
        "expires_at": (PUBLIC, "when a need expires unless renewed"),
        "reminded_at": (PUBLIC, "when the expiry reminder was sent"),
        "closed_at": (PUBLIC, "when it was fulfilled, withdrawn or expired (retention clock)"),
        "imported": (PUBLIC, "whether it came from a spreadsheet"),
        "area_unplaced": (PUBLIC, "its area could not be placed; it sits at the group's centre"),
        "search_key": (PUBLIC, "id of the key the post's search tokens are under (not the key)"),
    }

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["group", "status", "kind", "-created_at"], name="post_board"),
            # The board's default order (newest first) walks this index and stops after one page.
            models.Index(fields=["group", "-created_at", "-id"], name="post_recent"),
            # "Nearest first" sorts by distance over this index alone (it covers the columns it reads).
            models.Index(
                fields=[
                    "group",
                    "status",
                    "lat",
                    "lon",
                    "created_at",
                    "kind",
                    "category",
                    "visibility",
                    "author",
                ],
                name="post_place",
            ),
            models.Index(fields=["group", "category", "status"], name="post_category"),
            models.Index(fields=["author", "group", "-created_at", "-id"], name="post_author"),
            models.Index(fields=["status", "expires_at"], name="post_expiry"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="post_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.title or ""

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def claim_verb(self) -> str:
        return str(_("I can help") if self.kind == Kind.NEED else _("I'd like this"))


class Claim(models.Model):
    """One member's "I can help" on a need or "I'd like this" on an offer; the poster decides.

    At most one claim per post is live (pending or accepted): a partial unique constraint backs the
    conditional update in `services.claim_create`, so two members claiming at once cannot both win.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        RELEASED = "released", _("Released")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="claims")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    assigned_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coordinators_invited = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    data_classification = {
        "post": (PUBLIC, "which post was claimed"),
        "claimant": (PUBLIC, "who offered help or asked for an offer (who helped whom)"),
        "state": (PUBLIC, "pending, accepted, declined, released, done"),
        "assigned_by": (PUBLIC, "coordinator who assigned the claim"),
        "coordinators_invited": (PUBLIC, "whether the sides invited coordinators into the conversation"),
        "created_at": (PUBLIC, "when the claim was made"),
        "decided_at": (PUBLIC, "when it was accepted or declined"),
    }

    LIVE = (State.PENDING, State.ACCEPTED)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "post", condition=models.Q(state__in=("pending", "accepted")), name="one_live_claim_per_post"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} on post {self.post_id}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE


class PostEvent(models.Model):
    """One transition in a post's life: who, when, from which state to which."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "post": (PUBLIC, "which post changed"),
        "actor": (PUBLIC, "who changed it"),
        "action": (PUBLIC, "what was done"),
        "from_status": (PUBLIC, "state before"),
        "to_status": (PUBLIC, "state after"),
        "at": (PUBLIC, "when"),
    }

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class Message(models.Model):
    """A message in the private conversation of one claim (the two sides, and coordinators if invited)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("members.User", null=True, on_delete=models.SET_NULL, related_name="+")
    # Written by the neighbour the post is held for, who has no account: their text message, relayed
    # into the conversation by the group's number (channels.relay). `author` is then empty.
    from_neighbour = models.BooleanField(default=False)
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "claim": (PUBLIC, "which conversation"),
        "author": (PUBLIC, "who wrote (not what)"),
        "from_neighbour": (PUBLIC, "written by the neighbour without an account, by text message"),
        "created_at": (PUBLIC, "when"),
    }

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class PostToken(models.Model):
    """One keyed search token of a post's title and details (see `core.keyedsearch`).

    The primary key (group, token, post) is the search index: a word typed is a handful of tokens, and
    each token's posts are one range of it. Rewritten whole when the post's texts change.
    """

    pk = models.CompositePrimaryKey("group", "token", "post")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.BigIntegerField()
    # Indexed with the token (below), not alone: the probe "has this post one of these tokens" of a
    # search (`exchange.search`) is then one index range, without reading the table's rows.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The post's own `created_at`, copied: a token's posts can then be walked in the board's order
    # (index `posttoken_walk`) and a search of several common words stops after a page. Nullable only so
    # that migration 0011 could add it without rewriting the table; every token is written with it.
    created_at = models.DateTimeField(null=True)
    # The post's own `category`, copied: a search with a category filter reads only that category's
    # range of a word's tokens (index `posttoken_category`). Nullable only so that migration 0012 could
    # add it without rewriting the table; every token is written with it.
    category = models.CharField(max_length=20, choices=Category.choices, null=True)  # noqa: DJ001 - see above

    data_classification = {
        "group": (PUBLIC, "which group a search token belongs to"),
        "created_at": (PUBLIC, "when the post was made (a copy of the post's own date)"),
        "category": (PUBLIC, "the post's kind of help (a copy of the post's own category)"),
        "token": (
            SECRET,
            "keyed digest of one term of a post (per-group key): reveals term frequencies, not words",
        ),
        "post": (PUBLIC, "which post a search token finds"),
    }

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["post", "token"], name="posttoken_post_token"),
            models.Index(fields=["group", "token", "created_at", "post"], name="posttoken_walk"),
            models.Index(fields=["group", "category", "token", "post"], name="posttoken_category"),
        ]

    def __str__(self) -> str:
        return f"token of post {self.post_id}"


class ImportDraft(models.Model):
    """An uploaded spreadsheet between preview and commit. The file is sealed; deleted on commit."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="+")
    filename = EncryptedTextField(max_length=200)
    content = EncryptedTextField()  # base64 of the file
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.NEED)
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "group": (PUBLIC, "which group is importing"),
        "created_by": (PUBLIC, "which coordinator uploaded a sheet"),
        "kind": (PUBLIC, "needs or offers"),
        "mapping": (PUBLIC, "which column feeds which field (headers only)"),
        "created_at": (PUBLIC, "when it was uploaded"),
    }

    def __str__(self) -> str:
        return self.filename or ""
