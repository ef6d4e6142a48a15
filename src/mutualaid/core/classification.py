"""Every column that can hold personal data carries a classification (THREATS.md property 1).

- public: stored in the clear; shown to members (or everyone) by design.
- coarse: stored in the clear but deliberately imprecise (a ~1 km² cell, a day instead of a time).
- encrypted: sealed with the key ring before it reaches the database.
- secret: a hash or keyed digest (passwords, tokens, blind indexes); useless without the secret.

Models declare the classes of their own fields in `data_classification`, with what each column could
tell an adversary who seizes the server. Encrypted and blind-index fields classify themselves.
`docs/what-a-seized-server-reveals.md` is generated from this and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.db import models

PUBLIC = "public"
COARSE = "coarse"
ENCRYPTED = "encrypted"
SECRET = "secret"  # noqa: S105 - a classification name, not a password
CLASSES = (PUBLIC, COARSE, ENCRYPTED, SECRET)
PROJECT_APPS_PREFIX = "mutualaid."


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    data_class: str
    reveals: str


# Tables of the libraries we build on. Their columns hold no personal data beyond what is said here.
THIRD_PARTY: dict[str, dict[str, tuple[str, str]]] = {
    "django_session": {
        "session_key": (SECRET, "random session identifier"),
        "session_data": (PUBLIC, "signed session state: which account is logged in, language, 2FA state"),
        "expire_date": (
            PUBLIC,
            "when a login session ends (reveals roughly when someone last logged in; purged daily once past)",
        ),
    },
    "mfa_authenticator": {
        "user_id": (PUBLIC, "which account set up a second factor"),
        "type": (PUBLIC, "kind of second factor (TOTP, recovery codes, passkey)"),
        "data": (SECRET, "second-factor seeds, sealed with the key ring"),
        "created_at": (PUBLIC, "when the second factor was set up"),
        "last_used_at": (
            COARSE,
            "day a coordinator last used their second factor (the daily purge cuts the time of day)",
        ),
    },
    "django_admin_log": {
        "object_repr": (
            PUBLIC,
            "operator edits in the Django admin: which object, by kind and id only (never its text)",
        ),
        "object_id": (PUBLIC, "operator edits in the Django admin: which row"),
        "content_type_id": (PUBLIC, "operator edits in the Django admin: which kind of row"),
        "action_flag": (PUBLIC, "operator edits in the Django admin: added, changed or deleted"),
        "change_message": (PUBLIC, "operator edits in the Django admin: names of changed fields"),
        "user_id": (PUBLIC, "which operator made an edit in the Django admin"),
        "action_time": (PUBLIC, "when an operator made an edit in the Django admin"),
    },
    "django_tasks_database_dbtaskresult": {
        "args_kwargs": (PUBLIC, "arguments of queued jobs: object ids only, never contact details"),
        "return_value": (PUBLIC, "results of finished jobs: counts and ids only"),
        "exception_class_path": (PUBLIC, "which kind of error a failed job raised"),
        "traceback": (PUBLIC, "where a failed job failed (code lines, never personal data)"),
        "task_path": (PUBLIC, "which kind of job (send e-mail, purge, …)"),
        "priority": (PUBLIC, "job priority"),
        "queue_name": (PUBLIC, "job queue"),
        "backend_name": (PUBLIC, "job backend"),
        "status": (PUBLIC, "whether a job is waiting, running, done or failed"),
        "worker_ids": (PUBLIC, "random ids of the workers that ran a job"),
        "run_after": (PUBLIC, "when a job may run"),
        "enqueued_at": (PUBLIC, "when a job was queued (e.g. when a message was sent)"),
        "started_at": (PUBLIC, "when a job started"),
        "finished_at": (PUBLIC, "when a job finished"),
    },
    "account_emailaddress": {
        "email": (
            PUBLIC,
            "unused: mutualaid keeps e-mail addresses encrypted on the member, never here (tested)",
        ),
        "user_id": (PUBLIC, "unused (see email)"),
        "verified": (PUBLIC, "unused (see email)"),
        "primary": (PUBLIC, "unused (see email)"),
    },
    "account_emailconfirmation": {
        "key": (SECRET, "unused: mutualaid sends no e-mail confirmations"),
        "email_address_id": (PUBLIC, "unused (see account_emailaddress)"),
        "created": (PUBLIC, "unused (see account_emailaddress)"),
        "sent": (PUBLIC, "unused (see account_emailaddress)"),
    },
}

# Tables of the libraries we build on that hold no personal data at all.
NO_PERSONAL_DATA = frozenset(
    {
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
        "django_content_type",
        "django_migrations",
        # allauth's short-lived entries (its password-change limit per account id, its locks); login
        # attempts and every other limit are counted in core_ratecounter, never here.
        "mutualaid_cache",
        # Staff permissions of operator accounts (empty unless the operator uses the admin's groups).
        "members_user_groups",
        "members_user_user_permissions",
    }
)


# Text columns of our models kept in the clear, each for a reason. Nothing a member or neighbour types
# for other eyes than the whole world is here: such words are sealed (`EncryptedTextField`). Codes and
# labels written by the program, texts a group publishes on purpose, and the pseudonyms members choose
# to be seen by are. A new clear text column fails `clear_free_text()`'s test until it is sealed or
# listed here with its reason.
CLEAR_TEXT: dict[str, str] = {
    "channels_notice.kind": "code: kind of notice",
    "channels_notice.url": "link to the object, ids only",
    "decisions_ballot.choice": "code: a position, a score from -2 to 2, or option ids",
    "decisions_proposal.effect_error": "written by the app from fixed sentences (why a decided change failed)",
    "decisions_proposal.effect_params": "ids and numbers: which fund or membership, new approval numbers",
    "decisions_proposal.tally": "numbers: counts per position or option, never who voted what",
    "defense_alertpolicy.rights_en": "the group's public know-your-rights page",
    "defense_alertpolicy.rights_es": "the group's public know-your-rights page",
    "defense_dispatch.message_ids": "numbers: ids of queued messages",
    "defense_dispatch.recipients": "numbers: member ids an alert went to (purged with the report)",
    "defense_report.area": "coarse: neighbourhood or postal code the group knows",
    "defense_report.cell": "coarse: ~5 km² cell",
    "defense_respondercell.cell": "coarse: ~5 km² cell",
    "defense_responder.area": "coarse: neighbourhood or postal code the group knows",
    "defense_verifier.area": "coarse: neighbourhood or postal code the group knows",
    "defense_verifier.cells": "coarse: ~5 km² cells",
    "deliveries_deliveryrun.plan_stats": "numbers: the planner's figures",
    "deliveries_depot.area": "coarse: postal code or neighbourhood",
    "deliveries_stop.unrouted_reason": "written by the planner from fixed sentences",
    "members_user.skills": "codes: skills from a fixed list (driver, first_aid…)",
    "shifts_distributionday.area": "coarse: neighbourhood or hub of a distribution day",
    "shifts_distributionday.time_zone": "code: time zone name",
    "federation_activity.source": "code and id: which public event an activity is about",
    "federation_delivery.host": "a server's host name an activity is delivered to, never a person",
    "federation_groupactor.public_key_pem": "a group's public key, published on its actor document",
    "federation_remotekey.public_key_pem": "a public key another server publishes",
    "peers_installkey.public_key_pem": "the install's public key, published for its linked peers",
    "peers_message.kind": "code: offer, accept, decline, details, withdraw or unlink",
    "peers_peer.fingerprint": "the fingerprint of another server's public key",
    "peers_peer.key_id": "another server's key id (an address, never a person)",
    "peers_peer.public_key_pem": "another server's public key",
    "peers_peer.url": "another server's public address, never a person",
    "peers_peergroup.categories": "codes: categories a listed group on another server serves",
    "peers_peergroup.description": "a listed group's public description on another server",
    "peers_peergroup.languages": "codes: languages a listed group on another server speaks",
    "peers_peergroup.name": "a listed group's public name on another server",
    "peers_peergroup.postal_codes": "postal codes a listed group on another server serves (public profile)",
    "peers_peergroup.slug": "a listed group's short name on another server",
    "peers_peergroup.url": "a listed group's public page on another server",
    "peers_referral.cell": "a coarse area cell, as the matching engine stores it",
    "peers_referral.other_name": "the public name of the group on the other server",
    "peers_referral.other_slug": "the short name of the group on the other server",
    "peers_referral.urgency": "code: today, this week or flexible",
    "peers_referralevent.action": "written by the app from fixed words (offered, accepted, referred...)",
    "hubs_closure.hours": "times: a hub's hours on a holiday",
    "hubs_hub.area": "coarse: neighbourhood or postal code of a hub",
    "hubs_hub.cell": "coarse: H3 cell id",
    "hubs_hub.hours": "times: a hub's weekly opening hours",
    "hubs_hub.restock_category": "code: category of a hub's restock needs",
    "hubs_hub.street_address": "street address of a PUBLIC hub (a public place); members-only hubs seal it",
    "shifts_occurrence.alerts_sent": "codes: which staffing alerts went out",
    "shifts_occurrence.skill_calls": "ids: roles whose skill was called on",
    "shifts_series.alert_hours": "numbers: hours before a shift",
    "shifts_series.area": "coarse: neighbourhood or hub of a shift",
    "shifts_series.exdates": "dates a recurring shift skips",
    "shifts_series.rule": "code: RFC 5545 recurrence rule",
    "shifts_series.time_zone": "code: time zone name",
    "shifts_shiftrole.name": "label of a role (driver, sorter)",
    "shifts_slotbooking.language": "code: language a neighbour is texted in",
    "core_sensitiveread.subject_type": "code: kind of record",
    "core_sensitiveread.fields": "code: field names",
    "core_purgetally.rule": "code: purge rule",
    "core_purgetally.label": "code: category or outcome",
    "members_user.username": "login pseudonym (looked up at login)",
    "members_user.display_name": "pseudonym chosen to be shown to other members",
    "members_accesstoken.prefix": "first characters of a random token",
    "groups_group.name": "published: the group's public profile",
    "groups_group.slug": "published: the group's public profile",
    "groups_group.description": "published: the group's public profile",
    "groups_group.postal_codes": "published: the group's public profile",
    "groups_group.categories": "published: the group's public profile",
    "groups_group.languages": "published: the group's public profile",
    "groups_group.contact": "published: the group's public profile",
    "groups_group.how_to_join": "published: the group's public profile",
    "groups_area.name": "published: neighbourhoods the group serves",
    "groups_area.name_key": "published: neighbourhoods the group serves",
    "groups_area.postal_code": "published: neighbourhoods the group serves",
    "exchange_contact.languages": "codes: languages",
    "exchange_contact.source": "code: intake or import",
    "exchange_post.languages": "codes: languages",
    "exchange_post.area": "coarse: postal code or neighbourhood, needed to place a post",
    "exchange_post.cell": "coarse: map cell",
    "exchange_post.search_key": "code: key id",
    "exchange_postevent.action": "code",
    "exchange_postevent.from_status": "code",
    "exchange_postevent.to_status": "code",
    "exchange_importdraft.mapping": "column headers of a sheet and the fields they feed",
    "channels_contact.language": "code",
    "channels_contact.step": "code",
    "channels_outboundmessage.kind": "code",
    "channels_outboundmessage.gateway_message_id": "a gateway's opaque id",
    "channels_digestitem.kind": "code",
    "channels_intakerequest.language": "code",
    "channels_intakerequest.code": "random reference",
    "channels_periodicrun.name": "code",
    "channels_periodicrun.slot": "code",
    "funds_fund.name": "published: a fund's public name",
    "funds_fund.purpose": "published: a fund's public purpose and rules",
    "funds_fund.currency": "code",
    "funds_account.currency": "code",
    "funds_transaction.currency": "code",
    "funds_request.currency": "code",
    "funds_receipt.content_type": "code",
    "funds_idempotencykey.key": "a client's random key",
    "funds_idempotencykey.operation": "code",
    "funds_idempotencykey.body": "ids and amounts of an answer",
    "matching_round.params": "numbers",
    "matching_round.stats": "numbers",
    "matching_proposal.reasons": "numbers: distance, urgency, days waiting",
    "insights_postfigure.area": "coarse: a post's postal code or neighbourhood, on a count of posts",
}


def clear_free_text() -> list[str]:
    """Clear text columns (public or coarse) of our models that `CLEAR_TEXT` does not account for."""
    found = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            if not isinstance(field, models.CharField | models.TextField | models.JSONField) or field.choices:
                continue
            classified = field_class(model, field)
            name = f"{model._meta.db_table}.{field.column}"
            if classified and classified[0] in (PUBLIC, COARSE) and name not in CLEAR_TEXT:
                found.append(name)
    return sorted(found)


def is_project_model(model: type[models.Model]) -> bool:
    return model.__module__.startswith(PROJECT_APPS_PREFIX)


def field_class(model: type[models.Model], field: models.Field[Any, Any]) -> tuple[str, str] | None:
    own = getattr(field, "data_class", None)
    declared: tuple[str, str] | None = getattr(model, "data_classification", {}).get(field.name)
    if declared is not None:
        return declared
    if own is not None:
        return own, "sealed with the key ring" if own == ENCRYPTED else "keyed digest"
    return None


def concrete_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def unclassified() -> list[str]:
    """Fields of mutualaid's own models that carry no classification: each one is a defect."""
    missing = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            found = field_class(model, field)
            if found is None or found[0] not in CLASSES:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def project_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models() if is_project_model(model)} | {
        field.m2m_db_table()
        for model in apps.get_models()
        if is_project_model(model)
        for field in model._meta.local_many_to_many
    }


def unaccounted_tables(table_names: list[str]) -> list[str]:
    """Tables in the database that neither a model of ours nor the lists above account for."""
    known = project_tables() | set(THIRD_PARTY) | NO_PERSONAL_DATA
    return sorted(set(table_names) - known)


def encrypted_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every field of our models sealed with the key ring, in a stable order."""
    found = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            if getattr(field, "data_class", None) == ENCRYPTED:
                found.append((model, field))
    return sorted(found, key=lambda mf: (mf[0]._meta.db_table, mf[1].column))


def columns_of_class(data_class: str) -> list[Column]:
    columns = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            found = field_class(model, field)
            if found and found[0] == data_class:
                columns.append(Column(model._meta.db_table, cast(str, field.column), found[0], found[1]))
    for table, fields in THIRD_PARTY.items():
        for column, (cls, reveals) in fields.items():
            if cls == data_class:
                columns.append(Column(table, column, cls, reveals))
    return sorted(columns, key=lambda c: (c.table, c.column))


def plaintext_columns() -> list[Column]:
    """Every column a seized database shows in the clear (public and coarse), with what it reveals."""
    columns = []
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in concrete_fields(model):
            found = field_class(model, field)
            if found and found[0] in (PUBLIC, COARSE):
                columns.append(Column(model._meta.db_table, cast(str, field.column), found[0], found[1]))
    for table, fields in THIRD_PARTY.items():
        for column, (data_class, reveals) in fields.items():
            if data_class in (PUBLIC, COARSE):
                columns.append(Column(table, column, data_class, reveals))
    return sorted(columns, key=lambda c: (c.table, c.column))
