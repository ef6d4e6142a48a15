"""Networks: their service area, what they do, how to reach and join them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.classification import PUBLIC


class Group(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name for links"), max_length=50, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    centre_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    centre_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    radius_km = models.FloatField(_("radius (km)"), default=5.0)
    postal_codes = models.JSONField(_("postal codes"), default=list, blank=True)
    categories = models.JSONField(_("categories served"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    contact = models.TextField(_("how to reach us"), max_length=1000, blank=True)
    how_to_join = models.TextField(_("how to join"), max_length=1000, blank=True)
    listed = models.BooleanField(_("listed in the public directory"), default=True)
    accepts_requests = models.BooleanField(_("people may ask to join"), default=False)
    created_on = models.DateField(default=timezone.localdate)

    data_classification = dict.fromkeys(
        (
            "name",
            "slug",
            "description",
            "centre_lat",
            "centre_lon",
            "radius_km",
            "postal_codes",
            "categories",
            "languages",
            "contact",
            "how_to_join",
            "listed",
            "accepts_requests",
            "created_on",
        ),
        (PUBLIC, "the group's public profile (no member data)"),
    )

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A neighbourhood a group names itself, so people can find it by the words they use."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("neighbourhood"), max_length=100)
    name_key = models.CharField(max_length=100, db_index=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True, db_index=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    data_classification = dict.fromkeys(
        ("group", "name", "name_key", "postal_code", "lat", "lon"),
        (PUBLIC, "a neighbourhood the group serves"),
    )

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name
