from __future__ import annotations

from django.contrib import admin

from mutualaid.core.geo import normalise_name
from mutualaid.groups.models import Area, Group


class AreaInline(admin.TabularInline[Area, Group]):
    model = Area
    fields = ("name", "postal_code", "lat", "lon")
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin[Group]):
    list_display = ("name", "slug", "listed", "accepts_requests", "created_on")
    list_filter = ("listed", "accepts_requests")
    search_fields = ("name", "slug")
    inlines = (AreaInline,)

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        areas = formset.save(commit=False)
        for area in areas:
            area.name_key = normalise_name(area.name)
            area.save()
        for removed in formset.deleted_objects:
            removed.delete()
