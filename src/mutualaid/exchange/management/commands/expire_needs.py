"""`mutualaid expire_needs`: remind posters of needs about to expire, expire the overdue ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mutualaid.exchange.services import posts_expire


class Command(BaseCommand):
    help = "Send expiry reminders and expire open needs past their date (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, expired = posts_expire()
        self.stdout.write(f"Reminded {reminded}, expired {expired}.")
