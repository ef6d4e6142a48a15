"""Both signature schemes on the inbox (RFC 9421 and draft-cavage, same rules), and the "double knock"
for deliveries: RFC 9421 first, draft-cavage once on 401, what worked remembered per host."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mutualaid.federation import conf, delivery, documents, remote, rfc9421, signatures
from mutualaid.federation.models import Activity, Delivery, DeliveryState, Follower
from tests.federation.conftest import Fediverse

pytestmark = pytest.mark.django_db

SCHEMES = ("rfc9421", "cavage")


def _inbox(group: Any) -> str:
    return f"/ap/groups/{group.slug}/inbox"


def _follow(person: Any, group: Any, n: int = 1) -> dict[str, Any]:
    return {
        "id": f"{person.actor}/follows/{n}",
        "type": "Follow",
        "actor": person.actor,
        "object": documents.actor_id(group.slug),
    }


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_verifies_and_refuses_the_same_way(crown: Any, fediverse: Fediverse, scheme: str) -> None:
    amy, mallory = fediverse.person("amy"), fediverse.person("mallory")
    activity = _follow(amy, crown)
    # Wrong key: mallory signs amy's Follow.
    assert fediverse.post(_inbox(crown), activity, signer=mallory, scheme=scheme).status_code == 401
    # Changed body after signing.
    changed = orjson.dumps({**activity, "object": documents.actor_id("bush")})
    answer = fediverse.post(_inbox(crown), activity, signer=amy, tamper=changed, scheme=scheme)
    assert answer.status_code == 401
    # Old (Date for draft-cavage, created for RFC 9421), and from too far in the future.
    for skew in (-(conf.date_window() + 60), conf.date_window() + 60):
        when = timezone.now() + timedelta(seconds=skew)
        assert (
            fediverse.post(_inbox(crown), activity, signer=amy, when=when, scheme=scheme).status_code == 401
        )
    assert not Follower.objects.exists() and not Activity.objects.exists()
    # Valid.
    assert fediverse.post(_inbox(crown), activity, signer=amy, scheme=scheme).status_code == 202
    assert Follower.objects.filter(group=crown).count() == 1
    assert Activity.objects.filter(kind="accept").count() == 1
    # The same request replayed inside the window: acknowledged, handled once.
    assert fediverse.post(_inbox(crown), activity, signer=amy, scheme=scheme).status_code == 202
    assert Activity.objects.filter(kind="accept").count() == 1


def test_rfc9421_must_cover_method_target_and_digest(crown: Any, fediverse: Fediverse) -> None:
    amy = fediverse.person("amy")
    body = orjson.dumps(_follow(amy, crown))
    # Signed without the body's digest: refused even though the signature itself is good.
    from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

    message = rfc9421._Message(method="POST", url=documents.absolute(_inbox(crown)))
    message.headers["Content-Digest"] = "sha-256=:" + signatures.digest(body).removeprefix("SHA-256=") + ":"
    HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={amy.key_id: amy.key}),
    ).sign(
        message,
        key_id=amy.key_id,
        created=timezone.now(),
        covered_component_ids=("@method", "@target-uri"),
        use_existing_digest=True,
    )
    answer = Client().post(
        _inbox(crown), data=body, content_type="application/activity+json", headers=message.headers
    )
    assert answer.status_code == 401
    # Signed for another address (a request captured on its way to another server).
    elsewhere = rfc9421.sign(
        method="POST",
        url="https://other.example/inbox",
        host="testserver",
        key_id=amy.key_id,
        private_key=amy.key,
        now=timezone.now(),
        body=body,
    )
    elsewhere.pop("Host")
    answer = Client().post(
        _inbox(crown), data=body, content_type=elsewhere.pop("Content-Type"), headers=elsewhere
    )
    assert answer.status_code == 401
    assert not Follower.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_the_flood_limit_counts_one_key_across_both_schemes(
    crown: Any, fediverse: Fediverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_FEDERATION_INBOX_RATE", "2/m")
    flo = fediverse.person("flo")
    codes = [
        fediverse.post(
            _inbox(crown),
            {"id": f"{flo.actor}/n/{i}", "type": "Like", "actor": flo.actor},
            signer=flo,
            scheme=s,
        ).status_code
        for i, s in enumerate(("rfc9421", "cavage", "rfc9421"))
    ]
    assert codes == [202, 202, 429]


class Inboxes:
    """Stand-in remote inboxes: `modern` hosts verify RFC 9421, the others only draft-cavage."""

    def __init__(self, modern: set[str]) -> None:
        self.modern = modern
        self.calls: list[tuple[str, str]] = []

    def post(
        self, url: str, *, body: bytes, key_id: str, private_key: Any, scheme: str = remote.CAVAGE
    ) -> int:
        host = url.split("/")[2]
        self.calls.append((host, scheme))
        if scheme == remote.RFC9421 and host not in self.modern:
            return 401  # an older server reads the Signature header as draft-cavage and fails
        return 202


def _deliveries(crown: Any, inboxes: list[str]) -> None:
    activity = Activity.objects.create(group=crown, kind="note", public=True, document="{}")
    delivery.queue(activity, inboxes)


def test_deliveries_knock_with_rfc9421_then_cavage_and_remember(
    crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    stand_in = Inboxes(modern={"new.example"})
    monkeypatch.setattr(remote, "post", stand_in.post)
    _deliveries(
        crown, ["https://new.example/inbox", "https://old.example/inbox", "https://old.example/u/1/inbox"]
    )
    assert delivery.run_due() == {"sent": 3, "retry": 0, "gave_up": 0}
    # new.example: RFC 9421 once. old.example: the double knock once, then draft-cavage straight away.
    assert sorted(stand_in.calls) == sorted(
        [
            ("new.example", "rfc9421"),
            ("old.example", "rfc9421"),
            ("old.example", "cavage"),
            ("old.example", "cavage"),
        ]
    )
    assert delivery.known_schemes(["new.example", "old.example", "never.example"]) == {
        "new.example": remote.RFC9421,
        "old.example": remote.CAVAGE,
    }
    # The next run (another worker process reads the same shared cache): no knocking at all.
    stand_in.calls.clear()
    _deliveries(crown, ["https://new.example/inbox", "https://old.example/inbox"])
    assert delivery.run_due() == {"sent": 2, "retry": 0, "gave_up": 0}
    assert sorted(stand_in.calls) == [("new.example", "rfc9421"), ("old.example", "cavage")]
    # A host that refuses both signatures is a real refusal: given up, nothing remembered.
    stand_in.calls.clear()

    def refuse(url: str, **kwargs: Any) -> int:
        stand_in.calls.append(("no.example", kwargs["scheme"]))
        return 401

    monkeypatch.setattr(remote, "post", refuse)
    _deliveries(crown, ["https://no.example/inbox"])
    assert delivery.run_due() == {"sent": 0, "retry": 0, "gave_up": 1}
    assert stand_in.calls == [("no.example", "rfc9421"), ("no.example", "cavage")]
    assert "no.example" not in delivery.known_schemes(["no.example"])
    assert Delivery.objects.filter(state=DeliveryState.GAVE_UP).count() == 1


def test_signed_requests_carry_what_each_scheme_needs(crown: Any) -> None:
    from mutualaid.federation.services import signing_key

    key_id, key = signing_key(crown)
    now = timezone.now()
    body = b'{"type":"Note"}'
    modern = rfc9421.sign(
        method="POST",
        url="https://a.example/inbox",
        host="a.example",
        key_id=key_id,
        private_key=key,
        now=now,
        body=body,
    )
    assert modern["Signature-Input"].startswith(
        'sig1=("@method" "@target-uri" "content-type" "content-digest")'
    )
    assert (
        f'keyid="{key_id}"' in modern["Signature-Input"]
        and 'alg="rsa-v1_5-sha256"' in modern["Signature-Input"]
    )
    lower = {k.lower(): v for k, v in modern.items()}
    parsed = rfc9421.parse(lower)
    pem = signatures.public_pem(key)
    rfc9421.verify(
        parsed=parsed, method="POST", url="https://a.example/inbox", headers=lower, body=body,
        public_key_pem=pem, now=now, window=300,
    )  # fmt: skip
    with pytest.raises(signatures.SignatureError):
        rfc9421.verify(
            parsed=parsed, method="POST", url="https://a.example/inbox", headers=lower, body=body + b" ",
            public_key_pem=pem, now=now, window=300,
        )  # fmt: skip
