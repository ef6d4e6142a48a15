"""The notices inbox inside the app: every notification is kept for the member, whatever e-mail or SMS
they have; a count in the header, a list page, mark read (web and API); nobody sees another's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from mutualaid.channels.models import Notice
from mutualaid.channels.notifications import notice_subject
from mutualaid.exchange import services as exchange
from mutualaid.members.models import Membership
from tests.conftest import make_user
from tests.exchange.conftest import make_post
from tests.helpers import assert_query_count, without_random


def member_without_contacts(crown: Any) -> Any:
    user = make_user("gil")
    Membership.objects.create(user=user, group=crown, role="member")
    assert not user.email and not user.phone
    return user


def test_a_claim_on_a_need_of_a_member_without_email_or_phone_is_kept_as_a_notice(
    crown: Any, ben: Any
) -> None:
    gil = member_without_contacts(crown)
    post = make_post(crown, gil)
    exchange.claim_create(post=post, claimant=ben)
    notice = Notice.objects.get(user=gil)
    assert notice.kind == "claim"
    assert notice_subject(notice) == "Someone will help with your need"
    assert notice.url == reverse("exchange_post", kwargs={"slug": crown.slug, "post_id": post.pk})
    assert notice.read_at is None
    assert not Notice.objects.filter(user=ben).exists()


def test_the_notice_speaks_the_pages_language_and_its_words_are_sealed(
    crown: Any, ben: Any, client_for: Any
) -> None:
    gil = member_without_contacts(crown)
    exchange.claim_create(post=make_post(crown, gil, title="Sopa de lentejas"), claimant=ben)
    notice = Notice.objects.get(user=gil)
    with translation.override("es"):
        assert notice_subject(notice) == "Alguien ayudará con tu necesidad"
    gil.language = "es"
    gil.save(update_fields=["language"])
    assert (
        "Alguien ayudará con tu necesidad"
        in client_for(gil).get(reverse("channels_notices")).content.decode()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT context FROM channels_notice WHERE id = %s", [notice.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:")  # sealed whole
    assert "Sopa" not in without_random(stored) and "Ben" not in without_random(stored)


def test_the_header_counts_unread_notices_with_one_query(crown: Any, ben: Any, client_for: Any) -> None:
    gil = member_without_contacts(crown)
    exchange.claim_create(post=make_post(crown, gil), claimant=ben)
    exchange.claim_create(post=make_post(crown, gil, title="Soup"), claimant=make_member(crown, "hal"))
    client = client_for(gil)
    page = client.get(reverse("profile"))
    assert '<span class="count">2</span>' in page.content.decode()
    # Session, user, and the one count of unread notices.
    with assert_query_count(3) as queries:
        client.get(reverse("profile"))
    counts = [q["sql"] for q in queries.captured_queries if "channels_notice" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()
    # Nothing unread, no badge.
    assert '<span class="count">' not in client_for(ben).get(reverse("profile")).content.decode()


def make_member(crown: Any, name: str) -> Any:
    user = make_user(name)
    Membership.objects.create(user=user, group=crown, role="member")
    return user


def test_the_list_shows_unread_then_read_and_mark_all_read(crown: Any, ben: Any, client_for: Any) -> None:
    gil = member_without_contacts(crown)
    post = make_post(crown, gil)
    exchange.claim_create(post=post, claimant=ben)
    client = client_for(gil)
    page = client.get(reverse("channels_notices")).content.decode()
    assert "Someone will help with your need" in page
    assert f'href="{reverse("exchange_post", kwargs={"slug": crown.slug, "post_id": post.pk})}"' in page
    assert "Mark all read" in page
    response = client.post(reverse("channels_notices_read"))
    assert response.status_code == 302
    assert Notice.objects.get(user=gil).read_at is not None
    page = client.get(reverse("channels_notices")).content.decode()
    assert "Nothing new." in page and "Someone will help with your need" in page
    assert '<span class="count">' not in page


def test_other_members_cannot_see_or_mark_anothers_notices(
    crown: Any, ben: Any, client_for: Any, api_for: Any
) -> None:
    gil = member_without_contacts(crown)
    exchange.claim_create(post=make_post(crown, gil), claimant=ben)
    notice = Notice.objects.get(user=gil)
    assert "Someone will help" not in client_for(ben).get(reverse("channels_notices")).content.decode()
    client_for(ben).post(reverse("channels_notices_read"))
    api = api_for(ben)
    assert api.get("/api/v1/notices").json() == []
    answer = api.post("/api/v1/notices/read", {"ids": [notice.pk]}, content_type="application/json")
    assert answer.json() == {"marked": 0, "unread": 0}
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_api_lists_and_marks_read_by_id(crown: Any, ben: Any, api_for: Any) -> None:
    gil = member_without_contacts(crown)
    exchange.claim_create(post=make_post(crown, gil), claimant=ben)
    exchange.claim_create(post=make_post(crown, gil, title="Soup"), claimant=make_member(crown, "hal"))
    api = api_for(gil)
    listed = api.get("/api/v1/notices").json()
    assert [(n["kind"], n["read"]) for n in listed] == [("claim", False), ("claim", False)]
    first = listed[0]["id"]
    answer = api.post("/api/v1/notices/read", {"ids": [first]}, content_type="application/json")
    assert answer.json() == {"marked": 1, "unread": 1}
    answer = api.post("/api/v1/notices/read", {}, content_type="application/json")
    assert answer.json() == {"marked": 1, "unread": 0}


def test_read_notices_are_purged_after_the_retention_period(crown: Any, ben: Any, settings: Any) -> None:
    from mutualaid.core.retention import purge_expired

    gil = member_without_contacts(crown)
    exchange.claim_create(post=make_post(crown, gil), claimant=ben)
    exchange.claim_create(post=make_post(crown, gil, title="Soup"), claimant=make_member(crown, "hal"))
    old = timezone.now() - timedelta(days=settings.MUTUALAID_RETENTION_DAYS + 1)
    read, unread = Notice.objects.filter(user=gil)
    Notice.objects.filter(pk=read.pk).update(read_at=old)
    result = purge_expired()
    assert result["read notices"] == 1
    assert list(Notice.objects.filter(user=gil)) == [unread]


def test_a_person_who_asked_to_join_sees_the_request_and_its_outcome_at_home(
    crown: Any, ada: Any, client_for: Any
) -> None:
    from mutualaid.members import services as members

    ivy = make_user("ivy")
    request = members.join_request_create(group=crown, user=ivy, message="I live nearby")
    client = client_for(ivy)
    home = client.get(reverse("home")).content.decode()
    assert "Crown Heights Mutual Aid: waiting for a coordinator to answer" in home
    members.join_request_decide(join_request=request, decided_by=ada, approve=True)
    home = client.get(reverse("home")).content.decode()
    assert "Crown Heights Mutual Aid: approved, welcome" in home
    assert Notice.objects.filter(user=ivy, kind="join_request_approved").exists()
    assert Notice.objects.filter(user=ada, kind="join_request_received").exists()
