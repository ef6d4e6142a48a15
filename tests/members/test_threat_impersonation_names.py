"""Impersonation inside a group: no member takes a display name that could be mistaken for another
member's or a coordinator's (case, accents, invisible characters, Unicode look-alikes), and no display name
names a role — the app shows roles itself."""

from __future__ import annotations

import string
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from mutualaid.members import names
from mutualaid.members.models import JoinRequest, Membership, User
from mutualaid.members.services import (
    invitation_create,
    join_request_create,
    join_request_decide,
    profile_update,
    signup_with_invitation,
    user_create,
)
from tests.conftest import PASSWORD

LOOK_ALIKES_OF_ADA = [
    "ada",  # case
    "ADA",
    "Ádá",  # accents
    "A\u0301da",  # a combining accent
    "A\u200bda",  # zero-width space
    "A\u200dd\u2060a",  # zero-width joiner, word joiner
    "\u202eAda",  # a bidirectional override
    "\u0410da",  # Cyrillic capital a
    "Ad\u0430",  # Cyrillic small a
    "\uff21\uff44\uff41",  # full-width
    "\U0001d400da",  # mathematical bold A
    "Ada.",  # punctuation
    "A da",
]


@pytest.mark.parametrize("name", LOOK_ALIKES_OF_ADA)
def test_look_alikes_share_a_skeleton(name: str) -> None:
    assert names.skeleton(name) == names.skeleton("Ada")


@pytest.mark.parametrize(
    ("one", "other"), [("Ida", "lda"), ("Ida", "1da"), ("Lola", "LoIa"), ("Oona", "0ona")]
)
def test_letters_and_digits_that_look_alike(one: str, other: str) -> None:
    assert names.skeleton(one) == names.skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"), [("Ada", "Ida"), ("Ana", "Anna"), ("Ben", "Bea"), ("Maria", "Mario")]
)
def test_different_names_stay_different(one: str, other: str) -> None:
    assert names.skeleton(one) != names.skeleton(other)


LATIN = (
    string.ascii_letters
    + string.digits
    + "".join(
        c
        for c in map(chr, range(0xC0, 0x180))
        if c.isalpha() and c not in "\u0149\u0138"  # ŉ, ĸ: no pair
    )
)


@given(st.text(alphabet=LATIN, min_size=1, max_size=12))
def test_invisible_characters_case_and_accents_never_change_the_skeleton(name: str) -> None:
    disguised = "\u200b".join(name).swapcase() + "\u200d"
    assert names.skeleton(disguised) == names.skeleton(name)


@pytest.mark.parametrize(
    "name",
    [
        "Coordinator",
        "Ada (coordinator)",
        "Coördinator Ada",
        "Coordinación Crown",
        "COORDINADORA",
        "AdaCoordinadora",
        "ADM\u0406N",  # Ukrainian capital i
        "Crown admin",
        "Equipo Crown",
        "Mod Ada",
    ],
)
def test_role_words_are_refused(db: Any, name: str) -> None:
    assert names.claims_a_role(name)
    with pytest.raises(ValidationError) as refused:
        user_create(username="rolename", password=PASSWORD, display_name=name)
    assert "cannot name a role" in str(refused.value.message_dict["display_name"])
    assert not User.objects.filter(username="rolename").exists()


@pytest.mark.parametrize("name", ["Ada", "Staffan", "Modesto", "Ramona", "Adminia", "Teamo"])
def test_names_that_merely_contain_letters_of_a_role_are_fine(name: str) -> None:
    assert not names.claims_a_role(name)


def test_a_member_cannot_take_a_coordinators_name(ada: Any, fay: Any, crown: Any) -> None:
    for name in ("Ada", "\u0410da", "A\u200bDA"):
        with pytest.raises(ValidationError, match="looks too much like Ada's in Crown Heights Mutual Aid"):
            profile_update(user=fay, display_name=name, language="en", email="", phone="")
    fay.refresh_from_db()
    assert fay.display_name == "Fay"
    profile_update(user=fay, display_name="Ada L.", language="en", email="", phone="")  # an initial is enough
    fay.refresh_from_db()
    assert fay.display_name == "Ada L."


def test_the_same_name_in_another_group_is_fine(ada: Any, cy: Any) -> None:
    profile_update(user=cy, display_name="Ada", language="en", email="", phone="")
    assert User.objects.get(pk=cy.pk).display_name == "Ada"


def test_the_profile_page_shows_the_clash(ada: Any, fay: Any, client_for: Any) -> None:
    answer = client_for(fay).post(
        reverse("profile"), {"display_name": "\u0410da", "language": "en", "email": "", "phone": ""}
    )
    assert answer.status_code == 200
    assert "looks too much like Ada&#x27;s" in answer.content.decode()


def test_an_invitation_cannot_bring_in_a_look_alike(ada: Any, crown: Any) -> None:
    _invitation, token = invitation_create(group=crown, created_by=ada)
    with pytest.raises(ValidationError, match="looks too much like Ada's"):
        signup_with_invitation(
            token=token, username="mallory", password=PASSWORD, display_name="ADA", language="en"
        )
    assert not User.objects.filter(username="mallory").exists()
    signup_with_invitation(
        token=token, username="mallory", password=PASSWORD, display_name="Mal", language="en"
    )
    assert Membership.objects.filter(user__username="mallory", group=crown).exists()


def test_a_look_alike_join_request_is_flagged_and_cannot_be_approved(
    ada: Any, crown: Any, client_for: Any
) -> None:
    crown.accepts_requests = True
    crown.save()
    mallory = user_create(username="mallory", password=PASSWORD, display_name="\u0410da")
    request = join_request_create(group=crown, user=mallory)
    page = client_for(ada).get(reverse("members", kwargs={"slug": crown.slug})).content.decode()
    assert "This name looks like Ada's" in page
    with pytest.raises(ValidationError, match="looks too much like Ada's"):
        join_request_decide(join_request=request, decided_by=ada, approve=True)
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"
    assert not Membership.objects.filter(user=mallory, group=crown).exists()
