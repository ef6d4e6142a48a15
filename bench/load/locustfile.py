"""Mixed load for bench/cluster.py: members, coordinators, anonymous visitors and an SMS gateway.

Reads the world bench/cluster.py prepared from the JSON file named by $CLUSTER_WORLD, and writes one
line per acknowledged write ("post 123", "contribution 45", "message 67", "sms <digest>") to
$CLUSTER_ACKS, so the cluster can check afterwards that every acknowledged write is in the database.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
import uuid
from typing import Any

from locust import HttpUser, between, events, task

WORLD: dict[str, Any] = json.loads(open(os.environ["CLUSTER_WORLD"]).read())  # noqa: SIM115
_acks_lock = threading.Lock()
_acks = open(os.environ["CLUSTER_ACKS"], "a", buffering=1)  # noqa: SIM115 - one file for the whole run
SLUG = WORLD["slug"]
WORDS = ("bread", "rice", "diapers", "ride", "stroller", "soup", "blanket", "ladder", "books", "milk")
CATEGORIES = ("food", "transport", "childcare", "supplies", "skills")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# $CLUSTER_PACE stretches every wait between tasks (2 = half the rate): the soak's moderate load.
PACE = float(os.environ.get("CLUSTER_PACE", "1"))
_failures = open(os.environ.get("CLUSTER_FAILURES", os.devnull), "a", buffering=1)  # noqa: SIM115


def paced(low: float, high: float) -> Any:
    return between(low * PACE, high * PACE)


@events.request.add_listener
def _note_failure(request_type: str, name: str, exception: Any = None, **_kwargs: Any) -> None:
    """The wall-clock time of each failed request, so the cluster can tell which fell in a fault window."""
    if exception is not None:
        with _acks_lock:
            _failures.write(f"{time.time():.3f}\t{request_type} {name}\t{str(exception)[:120]}\n")


def ack(kind: str, ident: Any) -> None:
    with _acks_lock:
        _acks.write(f"{kind} {ident}\n")


class Member(HttpUser):
    """A member browsing the board in the browser and posting, claiming and talking through the API."""

    weight = 6
    wait_time = paced(0.5, 2)

    def on_start(self) -> None:
        username, token = random.choice(WORLD["members"])
        self.token = token
        self.auth = {"Authorization": f"Bearer {token}"}
        self.claims: list[tuple[int, int]] = []
        page = self.client.get("/accounts/login/", name="login page")
        found = CSRF.search(page.text)
        if found:
            self.client.post(
                "/accounts/login/",
                data={
                    "login": username,
                    "password": WORLD["password"],
                    "csrfmiddlewaretoken": found.group(1),
                },
                headers={"Referer": self.host + "/accounts/login/"},
                name="login",
            )

    @task(6)
    def board(self) -> None:
        self.client.get(f"/g/{SLUG}/board/", name="board")

    @task(3)
    def search(self) -> None:
        self.client.get(f"/g/{SLUG}/board/?q={random.choice(WORDS)}", name="board search")

    @task(2)
    def post_page(self) -> None:
        self.client.get(f"/g/{SLUG}/board/{random.choice(WORLD['posts'])}/", name="post page")

    @task(2)
    def api_board(self) -> None:
        self.client.get(f"/api/v1/groups/{SLUG}/posts", headers=self.auth, name="api board")

    @task(2)
    def post_need(self) -> None:
        words = random.sample(WORDS, 3)
        with self.client.post(
            f"/api/v1/groups/{SLUG}/posts",
            json={
                "kind": random.choice(("need", "offer")),
                "category": random.choice(CATEGORIES),
                "title": " ".join(words),
                "details": "load test " + " ".join(words),
                "quantity": random.randint(1, 4),
                "area": "11216",
            },
            headers=self.auth,
            name="post need/offer",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                ack("post", response.json()["id"])
            elif response.status_code == 429:
                response.success()  # the flood limit: a deliberate refusal

    @task(1)
    def claim_and_message(self) -> None:
        board = self.client.get(
            f"/api/v1/groups/{SLUG}/posts?kind=need&status=open&page={random.randint(1, 20)}",
            headers=self.auth,
            name="api board (open needs)",
        )
        if board.status_code != 200:
            return
        candidates = [p for p in board.json()["results"] if p["status"] == "open"]
        if not candidates:
            return
        post = random.choice(candidates)
        with self.client.post(
            f"/api/v1/groups/{SLUG}/posts/{post['id']}/claims",
            headers=self.auth,
            name="claim",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                claim = response.json()
                ack("claim", claim["id"])
                self.claims.append((post["id"], claim["id"]))
            elif response.status_code in (403, 409, 422):
                response.success()  # one's own post, or someone was quicker: a deliberate refusal
        if self.claims:
            post_id, claim_id = random.choice(self.claims)
            with self.client.post(
                f"/api/v1/groups/{SLUG}/posts/{post_id}/claims/{claim_id}/messages",
                json={"body": "I can come by at 5, does that work?"},
                headers=self.auth,
                name="message",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    ack("message", response.json()["id"])
                elif response.status_code in (403, 404, 422):
                    response.success()  # the claim was declined or closed meanwhile


class Coordinator(HttpUser):
    """A coordinator recording contributions (with Idempotency-Key) and running matching rounds."""

    weight = 1
    wait_time = paced(1, 3)

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Bearer {WORLD['coordinator_token']}"}

    @task(4)
    def contribute(self) -> None:
        key = uuid.uuid4().hex
        payload = {"amount": random.randint(100, 5000), "currency": WORLD["currency"], "method": "cash"}
        for _attempt in range(3):  # retried with the same key after a failure: counted once
            with self.client.post(
                f"/api/v1/groups/{SLUG}/funds/{WORLD['fund']}/contributions",
                json=payload,
                headers={**self.auth, "Idempotency-Key": key},
                name="contribution",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    ack("contribution", response.json()["id"])
                    return

    @task(2)
    def triage(self) -> None:
        self.client.get(f"/api/v1/groups/{SLUG}/triage", headers=self.auth, name="triage")

    @task(1)
    def matching_round(self) -> None:
        with self.client.post(
            f"/api/v1/groups/{SLUG}/matching/rounds",
            headers=self.auth,
            name="matching round",
            catch_response=True,
        ) as response:
            # 202: queued for the worker; 409: this group's round is still queued or running.
            if response.status_code in (409, 429):
                response.success()


class Visitor(HttpUser):
    """Someone without an account looking for a group near them."""

    weight = 3
    wait_time = paced(0.5, 2)

    @task(2)
    def directory(self) -> None:
        self.client.get(f"/directory/?q={random.choice(WORLD['postal_codes'])}", name="directory")

    @task(1)
    def api_directory(self) -> None:
        self.client.get(f"/api/v1/directory?q={random.choice(WORLD['postal_codes'])}", name="api directory")


class SmsGateway(HttpUser):
    """The group's generic SMS gateway delivering texts from neighbours."""

    weight = 1
    wait_time = paced(1, 3)

    @task
    def inbound(self) -> None:
        ident = uuid.uuid4().hex
        with self.client.post(
            f"/channels/sms/generic/{SLUG}/",
            json={
                "id": ident,
                "from": f"+1718555{random.randint(0, 9999):04d}",
                "text": random.choice(("HELP", "NEED", "food", "11216", "today", "STATUS")),
            },
            headers={"X-Webhook-Secret": WORLD["sms_secret"]},
            name="sms webhook",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                ack("sms", ident)
