"""Key rotation: a new primary key, then every sealed value re-sealed with it (THREATS.md property 3).

Re-sealing walks every `EncryptedTextField` of every model in primary-key order, in batches, each batch
one transaction, then the second-factor seeds that allauth keeps sealed with the same key ring. It is resumable by construction: values already under the primary key are skipped, so
an interrupted run is finished by running it again. Each row is updated only if it still holds the
ciphertext that was read, so a member editing their profile meanwhile is never overwritten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection, transaction

from mutualaid.core.classification import encrypted_fields
from mutualaid.core.encryption import (
    PREFIX,
    KeyRing,
    KeyRingError,
    decrypt,
    encrypt,
    load_keyring,
    sealing_key_id,
    write_keyring,
)

# Data derived from the sealing keys that apps keep besides sealed columns (e.g. the board's search
# tokens): each app registers how to count what every key id is used for, and how to redo it under the
# primary key (resumably; `limit` caps the work of one call). Registered from AppConfig.ready.
KeyUsers = Callable[[], Counter[str]]
Rekeyers = Callable[..., int]
KEY_USERS: dict[str, KeyUsers] = {}
REKEYERS: dict[str, Rekeyers] = {}


def register_key_user(label: str, *, usage: KeyUsers, rekey: Rekeyers) -> None:
    KEY_USERS[label] = usage
    REKEYERS[label] = rekey


@dataclass
class ReencryptReport:
    resealed: int = 0
    unreadable: int = 0
    per_column: dict[str, int] = field(default_factory=dict)


def _ring() -> KeyRing:
    ring = load_keyring()
    if ring is None:
        raise KeyRingError("the key ring was destroyed; there is nothing to rotate")
    return ring


def keyring_rotate() -> KeyRing:
    """Add a new primary key to the key file; old keys stay so existing values remain readable."""
    ring = _ring().with_new_primary()
    write_keyring(ring)
    return ring


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def reencrypt_all(
    *, batch_size: int = 500, progress: Callable[[str, int], None] | None = None, limit: int | None = None
) -> ReencryptReport:
    """Re-seal every value not sealed with the primary key. `limit` stops after that many (for drills)."""
    ring = _ring()
    report = ReencryptReport()
    for model, enc_field in encrypted_fields():
        table, column, pk = (
            model._meta.db_table,
            cast(str, enc_field.column),
            cast(str, model._meta.pk.column),
        )
        context = f"{table}.{column}"
        label = f"{table}.{column}"
        last: Any = None
        done = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"{_quote(pk)} > %s AND " if last is not None else ""
                params = [last] if last is not None else []
                cursor.execute(
                    f"SELECT {_quote(pk)}, {_quote(column)} FROM {_quote(table)} "  # noqa: S608 - names from models
                    f"WHERE {where}{_quote(column)} <> '' ORDER BY {_quote(pk)} LIMIT %s",
                    [*params, batch_size],
                )
                rows = cursor.fetchall()
                for row_pk, token in rows:
                    last = row_pk
                    if token is None or sealing_key_id(token) == ring.primary:
                        continue
                    plaintext = decrypt(token, context=context)
                    if plaintext is None:
                        report.unreadable += 1
                        continue
                    cursor.execute(
                        f"UPDATE {_quote(table)} SET {_quote(column)} = %s "  # noqa: S608 - names from models
                        f"WHERE {_quote(pk)} = %s AND {_quote(column)} = %s",
                        [encrypt(plaintext, context=context), row_pk, token],
                    )
                    done += cursor.rowcount
                    report.resealed += cursor.rowcount
                    if limit is not None and report.resealed >= limit:
                        report.per_column[label] = done
                        return report
            if progress and rows:
                progress(label, done)
            if len(rows) < batch_size:
                break
        report.per_column[label] = done
    _reseal_second_factors(ring, report)
    for label, rekey in sorted(REKEYERS.items()):
        done = rekey(batch_size=batch_size)
        report.resealed += done
        report.per_column[label] = done
    return report


# allauth's second-factor seeds are sealed with the key ring too (members.adapter.MFAAdapter), inside a
# JSON column of a table that is not ours.
MFA_CONTEXT = "mfa_authenticator.data"


def _sealed_items(data: object) -> list[tuple[str, str]]:
    if not isinstance(data, dict):
        return []
    return [(k, v) for k, v in data.items() if isinstance(v, str) and v.startswith(f"{PREFIX}:")]


def _reseal_second_factors(ring: KeyRing, report: ReencryptReport) -> None:
    from allauth.mfa.models import Authenticator

    done = 0
    for pk in Authenticator.objects.order_by("pk").values_list("pk", flat=True):
        # Locked while re-sealed: a recovery code used meanwhile must not come back to life.
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            data = dict(authenticator.data)
            changed = False
            for key, token in _sealed_items(data):
                if sealing_key_id(token) == ring.primary:
                    continue
                plaintext = decrypt(token, context=MFA_CONTEXT)
                if plaintext is None:
                    report.unreadable += 1
                    continue
                data[key] = encrypt(plaintext, context=MFA_CONTEXT)
                changed = True
                done += 1
            if changed:
                Authenticator.objects.filter(pk=pk).update(data=data)
    report.resealed += done
    report.per_column[MFA_CONTEXT] = done


def key_usage() -> Counter[str]:
    """How many stored values each key id seals (an empty field uses no key)."""
    from allauth.mfa.models import Authenticator

    usage: Counter[str] = Counter()
    for data in Authenticator.objects.values_list("data", flat=True):
        for _key, token in _sealed_items(data):
            usage[sealing_key_id(token) or "?"] += 1
    with connection.cursor() as cursor:
        for model, enc_field in encrypted_fields():
            table, column = model._meta.db_table, cast(str, enc_field.column)
            cursor.execute(
                f"SELECT {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} <> ''"  # noqa: S608
            )
            for (token,) in cursor.fetchall():
                usage[sealing_key_id(token) or "?"] += 1
    for count in KEY_USERS.values():
        usage.update(count())
    return usage


def keyring_retire_unused() -> list[str]:
    """Drop keys that seal no stored value. Old backups sealed with them lose those fields (on purpose)."""
    ring = _ring()
    used = key_usage()
    keep = {kid: key for kid, key in ring.keys.items() if kid == ring.primary or used.get(kid)}
    retired = sorted(set(ring.keys) - set(keep))
    if retired:
        write_keyring(KeyRing(keys=keep, primary=ring.primary, index_key=ring.index_key))
        # Values sealed with the retired keys may linger in the database's log: out with them.
        from mutualaid.core.forget import forget

        if not connection.in_atomic_block:
            forget({m._meta.db_table for m, _f in encrypted_fields()})
    return retired
