"""A claim is on a need (someone offers help) or on an offer (someone asks for it): the words to the
claimant fit both. The tester's demo run: Hana asked for Ben's rice, was declined, and was told "Thank
you for offering"; in Arabic every claim read as "your offer of help"; in Spanish the notice said "usted"."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from mutualaid.exchange import services as exchange
from mutualaid.exchange.notices import NOTICE_KINDS
from tests.helpers import make_post


def test_a_declined_claim_on_an_offer_does_not_thank_for_offering(ben: Any, fay: Any, crown: Any) -> None:
    from mutualaid.channels.models import OutboundMessage
    from mutualaid.members.services import profile_update

    profile_update(user=fay, display_name=fay.display_name, language="en", email="fay@example.org", phone="")
    offer = make_post(crown, ben, kind="offer", title="Rice")
    claim = exchange.claim_create(post=offer, claimant=fay)
    exchange.claim_decide(claim=claim, actor=ben, accept=False)
    told = OutboundMessage.objects.filter(user=fay, kind="claim_declined").get()
    assert "offering" not in told.body and "Thank you for reaching out." in told.body


def test_the_offerer_hears_someone_would_like_it_not_that_help_is_coming(
    ben: Any, fay: Any, crown: Any
) -> None:
    from mutualaid.channels.models import Notice

    offer = make_post(crown, ben, kind="offer", title="Rice")
    exchange.claim_create(post=offer, claimant=fay)
    need = make_post(crown, ben, kind="need", title="A ride")
    exchange.claim_create(post=need, claimant=fay)
    assert sorted(Notice.objects.filter(user=ben).values_list("kind", flat=True)) == [
        "claim",
        "claim_request",
    ]
    subject, body = NOTICE_KINDS["claim_request"]
    assert str(subject) == "Someone would like your offer" and "offered to help" not in str(body)


def test_claim_words_fit_needs_and_offers_in_every_language() -> None:
    _subject, body = NOTICE_KINDS["claim_declined"]
    with translation.override("es"):
        assert "Gracias por ofrecerse" not in str(body) and "Su " not in str(body)
        assert str(body).startswith("Tu toma")
    with translation.override("ar"):
        thanks = translation.gettext("Thank you. The poster will answer your claim.")
        assert "عرض" not in thanks and "عرض" not in str(body)  # "offer" is one kind of post, not a claim
        assert "عرض" not in translation.gettext("Claims")
    with translation.override("en"):
        english = str(body)
    for language in ("ht", "fr", "zh-hans"):
        with translation.override(language):
            assert str(body) != english, language
