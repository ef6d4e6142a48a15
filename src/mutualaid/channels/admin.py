from __future__ import annotations

from django.contrib import admin

from mutualaid.channels.models import Broadcast, Contact, Gateway, IntakeRequest, OutboundMessage

# Numbers, texts and gateway secrets stay out of the admin: operators see delivery state, not content.


@admin.register(Gateway)
class GatewayAdmin(admin.ModelAdmin[Gateway]):
    list_display = ("group", "kind", "enabled", "rate_per_minute", "created_at")
    list_filter = ("kind", "enabled")
    fields = ("group", "kind", "enabled", "rate_per_minute")
    readonly_fields = ("group", "kind")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin[OutboundMessage]):
    list_display = ("pk", "channel", "kind", "group", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "kind")
    fields = ("channel", "kind", "group", "status", "attempts", "created_at", "sent_at")
    readonly_fields = ("channel", "kind", "group", "attempts", "created_at", "sent_at")


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin[Broadcast]):
    list_display = ("group", "author", "created_at", "email_count", "sms_count")
    fields = ("group", "author", "created_at", "email_count", "sms_count")
    readonly_fields = fields


@admin.register(IntakeRequest)
class IntakeRequestAdmin(admin.ModelAdmin[IntakeRequest]):
    # What was asked and its state live on the board post (edit them there); this is the SMS side.
    list_display = ("code", "group", "post", "language", "created_at", "checkin_sent_at")
    list_filter = ("language",)
    fields = ("code", "group", "post", "language", "created_at", "checkin_sent_at")
    readonly_fields = ("code", "group", "post", "created_at")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("pk", "group", "language", "opted_out", "last_message_on")
    list_filter = ("opted_out", "language")
    fields = ("group", "language", "opted_out", "broadcasts", "last_message_on")
    readonly_fields = ("group", "last_message_on")
