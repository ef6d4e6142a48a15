"""`mutualaid peers link URL | list | unlink URL`: the operator's side of linking installs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.peers import keys, services
from mutualaid.peers.models import Peer


class Command(BaseCommand):
    help = "Link this install with another one (after comparing key fingerprints), list peers, unlink."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        link = sub.add_parser("link", help="link another install (prints both fingerprints to compare)")
        link.add_argument("url")
        link.add_argument("--fingerprint", default="", help="link only if the other key has this fingerprint")
        link.add_argument(
            "--yes", action="store_true", help="do not ask (the fingerprint was compared already)"
        )
        sub.add_parser("list", help="linked and unlinked installs")
        sub.add_parser("fingerprint", help="this install's fingerprint, to read to the other operator")
        unlink = sub.add_parser("unlink", help="stop trusting an install; referrals in flight come back")
        unlink.add_argument("url")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _fingerprint(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"{keys.actor_url()}\n{keys.fingerprint(keys.install_key().public_key_pem)}")

    def _link(self, options: dict[str, Any]) -> None:
        candidate = services.describe(options["url"])
        self.stdout.write(f"Other install: {candidate.url}\nIts fingerprint: {candidate.fingerprint}")
        self.stdout.write(
            f"This install's fingerprint: {keys.fingerprint(keys.install_key().public_key_pem)}"
        )
        wanted = options["fingerprint"].replace(":", "").upper()
        if wanted and wanted != candidate.fingerprint.replace(":", ""):
            raise CommandError("The fingerprint does not match: not linked.")
        if not (wanted or options["yes"]):
            answer = input("Does the other operator read the same fingerprint? Type yes to link: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Not linked.")
        services.link(candidate)
        self.stdout.write("Linked. The other operator must link this install too.")

    def _list(self, options: dict[str, Any]) -> None:
        for peer in Peer.objects.all():
            fetched = (
                peer.directory_fetched_at.isoformat(timespec="minutes") if peer.directory_fetched_at else "-"
            )
            self.stdout.write(
                f"{peer.url}\t{peer.state}\t{peer.fingerprint}\tdirectory {fetched}\t{peer.groups.count()} groups"
            )

    def _unlink(self, options: dict[str, Any]) -> None:
        peer = Peer.objects.filter(url=services.normalise_url(options["url"])).first()
        if peer is None:
            raise CommandError("No such peer.")
        counts = services.unlink(peer)
        self.stdout.write(
            f"Unlinked {peer.url}: {counts['returned']} referral(s) returned here, {counts['withdrawn']} of theirs dropped."
        )
