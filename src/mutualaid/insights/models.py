"""Summary tables the coordinator dashboard reads instead of the posts themselves.

The worker keeps them (`figures.refresh`, every five minutes): counts of posts per group, week (and
the month the week's days fall in: a week that crosses into a new month is two rows), kind, category,
coarse area, intake channel and status, and the hours to first claim and to
fulfilment as histogram buckets, so medians and 90th percentiles come from a few hundred rows rather
than from every post. Only counts: no post, person or exact place is named here.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from mutualaid.core.categories import Category
from mutualaid.core.classification import COARSE, PUBLIC
from mutualaid.exchange.models import Kind, Status

CHANNELS = (("web", "web"), ("sms", "sms"), ("intake", "intake"), ("import", "import"))
MEASURES = (("claim", "first claim"), ("done", "fulfilled"))


class PostFigure(models.Model):
    """How many posts were made in one week (Monday, site time zone) and one month with these
    attributes: a week whose days fall in two months has a row for each, so months add up exactly."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    month = models.DateField()  # its first day
    kind = models.CharField(max_length=5, choices=Kind.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    area = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10, choices=CHANNELS)
    status = models.CharField(max_length=12, choices=Status.choices)
    n = models.PositiveIntegerField()

    data_classification: ClassVar = {
        "group": (PUBLIC, "group the figure counts posts of"),
        "week": (PUBLIC, "Monday of the week the posts were made"),
        "month": (PUBLIC, "first day of the month the posts were made"),
        "kind": (PUBLIC, "need or offer"),
        "category": (PUBLIC, "kind of help"),
        "area": (COARSE, "postal code or neighbourhood the posts gave (a count, never one post)"),
        "channel": (PUBLIC, "web, text message, taken in by a member or import"),
        "status": (PUBLIC, "life-cycle state of the posts counted"),
        "n": (PUBLIC, "how many posts"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["group", "week", "month", "kind", "category", "area", "channel", "status"],
                name="insights_post_figure_unique_month",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["group", "month"], name="insights_post_figure_month")]

    def __str__(self) -> str:
        return f"{self.week} {self.kind} {self.category}: {self.n}"


class DurationFigure(models.Model):
    """How many needs made in one week took about `hours` (a bucket, see `figures.bucket`) to be
    claimed first (`measure` "claim") or to be fulfilled ("done"), split by month as PostFigure is."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    month = models.DateField()  # its first day
    category = models.CharField(max_length=20, choices=Category.choices)
    measure = models.CharField(max_length=5, choices=MEASURES)
    hours = models.PositiveIntegerField()
    n = models.PositiveIntegerField()

    data_classification: ClassVar = {
        "group": (PUBLIC, "group the figure counts needs of"),
        "week": (PUBLIC, "Monday of the week the needs were made"),
        "month": (PUBLIC, "first day of the month the needs were made"),
        "category": (PUBLIC, "kind of help"),
        "measure": (PUBLIC, "time to first claim or to fulfilment"),
        "hours": (PUBLIC, "bucket of hours (exact below two days, then coarser)"),
        "n": (PUBLIC, "how many needs took that long"),
    }

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["group", "week", "month", "category", "measure", "hours"],
                name="insights_duration_figure_unique_month",
            )
        ]
        # Covering the dashboard's and the report's reads (the count `n` included), so a year of buckets is
        # added up from the index alone (bench/insights.py: a fifth less time at 1,000,000 posts on SQLite).
        indexes: ClassVar = [
            models.Index(fields=["group", "month"], name="insights_duration_figure_month"),
            models.Index(
                fields=["group", "week", "category", "measure", "hours", "n"], name="insights_duration_week_n"
            ),
            models.Index(
                fields=["group", "month", "measure", "hours", "n"], name="insights_duration_month_n"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.category} {self.measure} {self.hours} h: {self.n}"


class FigureMark(models.Model):
    """The high-water mark of the refresh: posts changed up to `mark` are in the figures. One row."""

    name = models.CharField(max_length=20, unique=True, choices=(("posts", "posts"),))
    mark = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    data_classification: ClassVar = {
        "name": (PUBLIC, "which summary the mark is for"),
        "mark": (PUBLIC, "posts changed up to this time are counted"),
        "refreshed_at": (PUBLIC, "when the figures were last brought up to date"),
    }

    def __str__(self) -> str:
        return f"{self.name} up to {self.mark}"


class ImpactPage(models.Model):
    """A group's choice to publish its impact page (month by category, small counts suppressed), off
    until a coordinator turns it on. While it is off the page, its report and the API answer 404 to
    everyone but the group's coordinators."""

    group = models.OneToOneField("groups.Group", on_delete=models.CASCADE, related_name="+")
    public = models.BooleanField(default=False)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    data_classification: ClassVar = {
        "group": (PUBLIC, "the group the choice belongs to"),
        "public": (PUBLIC, "whether the group's impact page is public"),
        "changed_at": (PUBLIC, "when the choice last changed"),
        "changed_by": (PUBLIC, "which coordinator last changed the choice"),
    }

    def __str__(self) -> str:
        return f"{self.group_id}: impact page {'public' if self.public else 'private'}"
