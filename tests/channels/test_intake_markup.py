"""The SMS intake page: one reply box per request, each with its own ids and label (issue 11)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.channels.conftest import post_twilio
from tests.core.test_markup_firstday import check_controls


def test_sms_intake_page_has_unique_ids_and_labels(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    for phone in ("+17185550160", "+17185550161"):
        for word in ("NEED", "1", "Wingate", "1", "Diapers size 4"):
            post_twilio(client, phone, word)
    html = client_for(ada).get(reverse("channels_intake", kwargs={"slug": "crown"})).content.decode()
    assert html.count("<textarea") == 2
    check_controls(html)


def test_sms_post_says_taken_in_by_text_and_the_accepted_helper_reads_the_words(
    ada: Any, ben: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    from mutualaid.channels.models import IntakeRequest
    from mutualaid.core.models import SensitiveRead
    from mutualaid.exchange import services as board

    for word in ("NEED", "1", "Wingate", "1", "Diapers size 4, ring the top bell"):
        post_twilio(client, "+17185550160", word)
    post = IntakeRequest.objects.get().post
    url = reverse("exchange_post", args=["crown", post.pk])
    html = client_for(ben).get(url).content.decode()
    assert "Taken in by text message" in html and "a former member" not in html
    assert "Diapers size 4" not in html  # not before ben is the accepted helper
    claim = board.claim_create(post=post, claimant=ben)
    board.claim_decide(claim=claim, actor=ada, accept=True)
    html = client_for(ben).get(url).content.decode()
    assert "What they wrote" in html and "Diapers size 4, ring the top bell" in html
    assert "555-0160" not in html and "5550160" not in html
    assert SensitiveRead.objects.filter(reader=ben, fields__contains="private_note").exists()
