from __future__ import annotations

from django.contrib import admin

from mutualaid.members.models import AccessToken, Invitation, JoinRequest, Membership, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    # Contact details stay out of the admin: an operator has no reason to read them, and each read
    # would be a disclosure. Members edit their own in the profile.
    list_display = ("username", "display_name", "language", "is_active", "is_staff", "last_seen")
    list_filter = ("is_active", "is_staff", "language")
    search_fields = ("username", "display_name")
    fields = (
        "username",
        "display_name",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_seen",
    )
    readonly_fields = ("date_joined", "last_seen")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "group", "role", "joined_on", "needs_review")
    list_filter = ("role", "needs_review", "group")
    raw_id_fields = ("user", "vouched_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("group", "created_by", "role", "created_at", "expires_at", "used_at", "revoked_at")
    list_filter = ("group",)
    exclude = ("token_hash", "note")
    readonly_fields = ("group", "created_by", "used_by", "created_at", "used_at")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin[JoinRequest]):
    list_display = ("group", "user", "status", "created_on")
    list_filter = ("status", "group")
    exclude = ("message", "pending_password")


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin[AccessToken]):
    list_display = ("user", "name", "prefix", "created_on", "last_used_on", "revoked_at")
    exclude = ("token_hash",)
    readonly_fields = ("user", "prefix", "created_on", "last_used_on")
