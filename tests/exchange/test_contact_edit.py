"""Correcting the neighbour a post is held for (intake): the member who took them in or a coordinator,
details encrypted, every read audited, every change in the post's history."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import reverse

from mutualaid.core.encryption import blind_index
from mutualaid.core.models import SensitiveRead
from mutualaid.exchange import services
from mutualaid.exchange.models import Contact, PostEvent
from tests.helpers import make_post


def intake(crown: Any, author: Any) -> Any:
    return make_post(
        crown,
        author,
        title="Groceries for Rosa",
        on_behalf=services.ContactInput(name="Rosa", phone="347-555-0199", note="knock twice"),
    )


def test_a_coordinator_corrects_the_neighbour_from_the_post_page(
    client_for: Any, ada: Any, ben: Any, crown: Any
) -> None:
    post = intake(crown, ben)
    client = client_for(ada)
    page = client.get(reverse("exchange_post", args=[crown.slug, post.pk])).content.decode()
    edit_url = reverse("exchange_contact_edit", args=[crown.slug, post.pk])
    assert edit_url in page
    form = client.get(edit_url)
    assert form.status_code == 200 and 'value="Rosa"' in form.content.decode()
    response = client.post(
        edit_url,
        {
            "name": "Rosa Peña",
            "phone": "(347) 555-0111",
            "email": "ROSA@example.org",
            "household_size": "3",
            "note": "knock twice; dog",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange_post", args=[crown.slug, post.pk]
    )
    contact = Contact.objects.get(pk=post.contact_id)
    assert (contact.name, contact.phone, contact.email, contact.household_size, contact.note) == (
        "Rosa Peña",
        "+13475550111",
        "rosa@example.org",
        3,
        "knock twice; dog",
    )  # (347) 555-0111: one form
    assert contact.phone_index == blind_index("+13475550111", purpose="phone")
    event = PostEvent.objects.filter(post=post).last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "contact_edit",
        ada,
        "open",
        "open",
    )
    assert SensitiveRead.objects.filter(reader=ada, subject_id=post.pk, fields="contact").count() >= 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Contact._meta.db_table}")  # noqa: S608 - table name from the model
        dump = repr(cursor.fetchall())
    assert "Rosa Peña" not in dump and "3475550111" not in dump and "rosa@example.org" not in dump


def test_bad_details_are_refused_next_to_their_field(client_for: Any, ada: Any, ben: Any, crown: Any) -> None:
    post = intake(crown, ben)
    response = client_for(ada).post(
        reverse("exchange_contact_edit", args=[crown.slug, post.pk]),
        {"name": "Rosa", "phone": "12", "email": "not an address"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number of 7 to 15 digits." in page and "Enter a valid e-mail address." in page
    assert Contact.objects.get(pk=post.contact_id).phone == "+13475550199"


def test_the_member_who_took_them_in_may_edit_other_members_may_not(
    client_for: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post = intake(crown, ben)
    url = reverse("exchange_contact_edit", args=[crown.slug, post.pk])
    assert client_for(ben).post(url, {"name": "Rosa P.", "phone": "347-555-0199"}).status_code == 302
    assert Contact.objects.get(pk=post.contact_id).name == "Rosa P."
    assert client_for(fay).get(url).status_code == 403
    assert client_for(fay).post(url, {"name": "Mallory"}).status_code == 403
    assert Contact.objects.get(pk=post.contact_id).name == "Rosa P."
    plain = make_post(crown, ben, title="No neighbour here")
    assert (
        client_for(ben).get(reverse("exchange_contact_edit", args=[crown.slug, plain.pk])).status_code == 404
    )


def test_a_neighbour_who_texts_keeps_their_number(ada: Any, crown: Any) -> None:
    index = blind_index("+13475550123", purpose="phone")
    contact = services.contact_for_phone_index(group=crown, phone_index=index)
    post = services.post_create_for_contact(
        group=crown, contact=contact, data=services.PostInput(kind="need", category="food", title="Rice")
    )
    services.contact_update(
        post=post, actor=ada, data=services.ContactInput(name="Luz", phone="999-999-9999")
    )
    contact.refresh_from_db()
    assert contact.name == "Luz" and contact.phone_index == index and not contact.phone


def test_api_reads_and_changes_the_neighbour(api_for: Any, ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = intake(crown, ben)
    url = reverse("api:exchange_contact_detail", args=[crown.slug, post.pk])
    got = api_for(ada).get(url).json()
    assert (got["name"], got["phone"], got["note"], got["source"]) == (
        "Rosa",
        "+13475550199",
        "knock twice",
        "intake",
    )
    assert SensitiveRead.objects.filter(reader=ada, fields="contact").count() == 1
    changed = api_for(ada).put(
        url,
        {"name": "Rosa", "phone": "+1 347 555 0100", "household_size": 2},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["phone"] == "+13475550100"
    bad = api_for(ada).put(url, {"phone": "12"}, content_type="application/json")
    assert bad.status_code == 422 and Contact.objects.get(pk=post.contact_id).phone == "+13475550100"
    assert api_for(fay).get(url).status_code == 403
    assert PostEvent.objects.filter(post=post, action="contact_edit").count() == 1


def test_a_neighbour_taken_in_by_hand_is_the_same_person_when_they_text(ben: Any, crown: Any) -> None:
    post = intake(crown, ben)  # typed as 347-555-0199
    texted = services.contact_for_phone_index(
        group=crown, phone_index=blind_index("+13475550199", purpose="phone")
    )
    assert texted.pk == post.contact_id
