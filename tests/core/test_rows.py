"""Rows by written-out queries (core/rows.py) are the ORM's rows: every concrete field the same value and
type (sealed fields decrypted, dates, booleans and JSON parsed), NULL joins as None, no row as None."""

from __future__ import annotations

from typing import Any

from mutualaid.core import rows
from mutualaid.exchange.models import Contact, Post
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User
from tests.helpers import make_post


def _same(found: Any, orm: Any) -> None:
    assert type(found) is type(orm)
    assert found._state.db == orm._state.db and not found._state.adding
    for field in type(orm)._meta.concrete_fields:
        value, expected = getattr(found, field.attname), getattr(orm, field.attname)
        assert value == expected and type(value) is type(expected), field.attname


def test_first_is_the_orm_row(ben: Any, crown: Any) -> None:
    ben.email, ben.phone = "ben@example.org", "+15555550100"  # sealed fields
    ben.save()
    _same(rows.first(User, {"id": ben.pk}), User.objects.get(pk=ben.pk))
    _same(rows.first(Group, {"slug": "crown"}), Group.objects.get(slug="crown"))
    assert rows.first(Group, {"slug": "no-such-group"}) is None


def test_one_row_joins_and_nulls(ada: Any, ben: Any, crown: Any) -> None:
    own = make_post(crown, ben, title="Rice", details="second floor", address="12 Main St")
    Post.objects.filter(pk=own.pk).update(contact=None)
    held = make_post(crown, ada, title="For a neighbour")
    contact = Contact.objects.create(group=crown, name="Neighbour", phone="+15555550111", created_by=ada)
    Post.objects.filter(pk=held.pk).update(author=None, contact=contact)
    tail = (
        f"FROM {rows.table(Post, 'p')} LEFT JOIN {rows.table(User, 'a')} ON a.id = p.author_id "
        f"LEFT JOIN {rows.table(Contact, 'c')} ON c.id = p.contact_id WHERE p.id = %s"
    )
    post, author, no_contact = rows.one_row([(Post, "p"), (User, "a"), (Contact, "c")], tail, [own.pk])
    _same(post, Post.objects.get(pk=own.pk))
    _same(author, ben)
    assert no_contact is None
    post, no_author, found_contact = rows.one_row([(Post, "p"), (User, "a"), (Contact, "c")], tail, [held.pk])
    _same(post, Post.objects.get(pk=held.pk))
    assert no_author is None
    _same(found_contact, Contact.objects.get(pk=contact.pk))
    assert rows.one_row([(Post, "p")], f"FROM {rows.table(Post, 'p')} WHERE p.id = %s", [-1]) is None
    membership = Membership.objects.get(user=ben, group=crown)
    _same(rows.first(Membership, {"user_id": ben.pk, "group_id": crown.pk}), membership)


def test_exists(ben: Any, fay: Any, crown: Any) -> None:
    from mutualaid.exchange.models import Claim

    post = make_post(crown, fay, title="Rice")
    assert not rows.exists(Claim, {"post_id": post.pk, "claimant_id": ben.pk})
    Claim.objects.create(post=post, claimant=ben, state=Claim.State.DECLINED)
    assert rows.exists(Claim, {"post_id": post.pk, "claimant_id": ben.pk})
    assert not rows.exists(Claim, {"post_id": post.pk, "claimant_id": fay.pk})


def test_group_and_membership_are_read_on_every_call(ben: Any, crown: Any) -> None:
    """Nothing of the rows is kept: a change made anywhere (another app server) is seen at the next call."""
    import pytest
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from mutualaid.groups.access import get_group_for_member

    group, membership = get_group_for_member(ben, "crown")
    assert (group.pk, group.name, membership.role, membership.group is group) == (
        crown.pk,
        crown.name,
        "member",
        True,
    )
    Group.objects.filter(pk=crown.pk).update(name="Renamed")
    Membership.objects.filter(user=ben, group=crown).update(role="coordinator")
    group, membership = get_group_for_member(ben, "crown")
    assert (group.name, membership.role) == ("Renamed", "coordinator")
    Membership.objects.filter(user=ben, group=crown).delete()
    for user, slug in ((ben, "crown"), (AnonymousUser(), "crown"), (ben, "no-such-group")):
        with pytest.raises(Http404):
            get_group_for_member(user, slug)
