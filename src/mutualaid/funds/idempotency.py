"""Idempotency keys for API writes that create money records.

A client that sends `Idempotency-Key: <key>` may retry freely: the first call does the work and stores
its answer in the same database transaction; a retry with the same key and the same payload gets that
answer back without writing again; the same key with another payload is refused with 409.
Keys are per account, so one member cannot replay or probe another's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from mutualaid.funds.models import IdempotencyKey
from mutualaid.members.models import User

HEADER = "Idempotency-Key"
KEY_MAX = 100


class IdempotencyConflict(Exception):
    """The key was used before for a different request."""


class BadIdempotencyKey(Exception):
    pass


def _hash(operation: str, payload: Any) -> str:
    canonical = json.dumps({"op": operation, "payload": payload}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(found: IdempotencyKey, payload_hash: str) -> tuple[int, Any]:
    if found.payload_hash != payload_hash:
        raise IdempotencyConflict
    return found.status, found.body


def run_once(
    request: HttpRequest,
    operation: str,
    payload: Any,
    work: Callable[[], tuple[int, Any]],
    *,
    key: str | None = None,
) -> tuple[int, Any]:
    """Do `work` (which returns status and a JSON-able body) at most once per idempotency key.

    The key is the request's `Idempotency-Key` header, or `key` (a web form's one-time submission id).
    """
    key = (key if key is not None else request.headers.get(HEADER, "")).strip()
    if not key:
        with transaction.atomic():
            return work()
    if len(key) > KEY_MAX:
        raise BadIdempotencyKey
    user = cast(User, request.user)  # an API token or a signed-in session: never anonymous here
    payload_hash = _hash(operation, payload)
    found = IdempotencyKey.objects.filter(user=user, key=key).first()
    if found is not None:
        return _replay(found, payload_hash)
    try:
        with transaction.atomic():
            status, body = work()
            # The key is stored in the same transaction as the money: both are written, or neither.
            IdempotencyKey.objects.create(
                user=user, key=key, operation=operation, payload_hash=payload_hash, status=status, body=body
            )
            return status, body
    except IntegrityError:
        # A concurrent retry with the same key committed first; our work was rolled back with it.
        found = IdempotencyKey.objects.filter(user=user, key=key).first()
        if found is None:
            raise
        return _replay(found, payload_hash)
