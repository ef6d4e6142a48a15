from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

SECRET_FIELDS = ("secret", "api_password")


class Command(BaseCommand):
    help = (
        "Connect an SMS gateway to a group from the command line (the operator's alternative to the "
        "coordinators' page). Secrets are read from environment variables, so they stay out of shell history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("group", help="the group's slug")
        parser.add_argument("kind", choices=["twilio", "android", "generic"])
        parser.add_argument("--account", default="", help="Twilio account SID or the Android app's username")
        parser.add_argument(
            "--secret-env",
            default="MUTUALAID_SMS_SECRET",
            help="variable holding the auth token / signing key / shared secret (default MUTUALAID_SMS_SECRET)",
        )
        parser.add_argument(
            "--password-env",
            default="MUTUALAID_SMS_API_PASSWORD",
            help="variable holding the Android app's API password",
        )
        parser.add_argument("--api-url", default="", help="address for sending (Android or generic)")
        parser.add_argument("--sender", default="", help="sending number (Twilio)")
        parser.add_argument("--rate", type=int, default=30, help="messages per minute at most")
        parser.add_argument("--disable", action="store_true", help="stop using this gateway")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.urls import reverse

        from mutualaid.channels import services
        from mutualaid.channels.notifications import absolute
        from mutualaid.groups.models import Group

        group = Group.objects.filter(slug=options["group"]).first()
        if group is None:
            raise CommandError(f"no group with the slug {options['group']!r}")
        try:
            services.gateway_save(
                group=group,
                kind=options["kind"],
                enabled=not options["disable"],
                account=options["account"],
                secret=os.environ.get(options["secret_env"], ""),
                api_password=os.environ.get(options["password_env"], ""),
                api_url=options["api_url"],
                sender=options["sender"],
                rate_per_minute=options["rate"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        path = reverse("channels_sms_webhook", kwargs={"kind": options["kind"], "slug": group.slug})
        self.stdout.write(f"Saved. Webhook address for the gateway: {absolute(path)}")
