"""What a printed flyer says about texting a group: its SMS number and the keywords in the flyer's
language (registered with `insights.flyers` in ChannelsConfig.ready, so insights never imports us)."""

from __future__ import annotations

from mutualaid.channels import conversation
from mutualaid.channels.models import Gateway
from mutualaid.groups.models import Group
from mutualaid.insights.flyers import Texting

# Keywords known to be in a language; a language without its own falls back to English ones.
WORDS = {"en": conversation.ENGLISH_WORDS, "es": conversation.SPANISH_WORDS}
ENGLISH = {"need": "NEED", "help": "HELP"}


def _word(options: set[str], language: str, default: str) -> str:
    found = sorted(options & WORDS.get(language, set()))
    return found[0] if found else default


def texting_for(group: Group, language: str) -> Texting | None:
    gateway = Gateway.objects.filter(group=group, enabled=True).order_by("pk").first()
    number = (gateway.sender or "").strip() if gateway is not None else ""
    if not number:
        return None
    return Texting(
        number=number,
        need=_word(conversation.NEED, language, ENGLISH["need"]),
        help=_word(conversation.HELP, language, ENGLISH["help"]),
        stop="STOP",  # carriers teach STOP to everyone, whatever their language
    )
