"""THREATS.md property 4, in the files: words people typed, once deleted or edited away, are in no file
of the data dir (SQLite database, its `-wal` and `-shm`, the key file) and in no `pg_dump`. And property
2 in the same files of a running install: words typed into a post, an invitation, a join request and an
imported sheet, still live, are in none of them either (sealed, and searched through keyed tokens).

SQLite keeps old bytes in freed page space and in its write-ahead log; `secure_delete` and the
checkpoint of `core.forget` after deleting or editing personal rows remove them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TAG = secrets.token_hex(4).upper()
CANARIES = [f"CANARYNAME{TAG}", f"canaryuser{TAG.lower()}", f"CANARYTITLE{TAG}", f"CANARYOLD{TAG}"]
TYPED = [f"{w}{TAG}" for w in ("EVICTION", "WHEELCHAIR", "NOPAPERS", "INVITENOTE", "JOINMSG", "SHEETROW")]
TYPED_EXTRA = f"Landlord threatening CANARYEXTRA{TAG}"

SCRIPT = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from mutualaid.exchange import services as exchange
from mutualaid.groups.models import Group
from mutualaid.members import services
from mutualaid.members.models import Membership, Role

from mutualaid.exchange import importing, search
from mutualaid.exchange.models import Post

name, username, title, old = sys.argv[1:5]
group = Group.objects.create(name="Canaries", slug="canaries", accepts_requests=True)

# Property 2: typed words that stay, in a post, an invitation, a join request and an imported sheet.
t_title, t_details, t_note, t_invite, t_message, t_sheet, t_extra = sys.argv[5:12]
ada = services.user_create(username="ada", password="a-long-password-42", display_name="Ada")
Membership.objects.create(user=ada, group=group, role=Role.COORDINATOR)
kept = exchange.post_create(
    group=group, author=ada,
    data=exchange.PostInput(kind="need", category="food", title=t_title, details=t_details, private_note=t_note),
)
services.invitation_create(group=group, created_by=ada, note=t_invite)
services.signup_with_join_request(
    group=group, username="newcomer", password="a-long-password-42", display_name="New", language="en",
    message=t_message,
)
sheet = (
    "Timestamp,Name,Phone,What do you need?,Details,Anything else we should know?\\n"
    f"4/1/2020 10:00:00,Someone,347-555-0101,Food,{t_sheet},{t_extra}\\n"
).encode()
plan = importing.plan_import(importing.read(sheet), group=group)
assert not plan.problems, plan.problems
importing.import_commit(group=group, actor=ada, plan=plan)
# Stored and findable (else the grep would pass for nothing): read back, and found by a word.
stored = Post.objects.get(pk=kept.pk)
assert (stored.title, stored.details, stored.private_note) == (t_title, t_details, t_note)
assert list(search.search(Post.objects.all(), group_id=group.pk, query=t_title)) == [stored]
imported = Post.objects.exclude(pk=kept.pk).get()
assert t_extra in imported.private_note and t_sheet in imported.details
print("stored", flush=True)
sys.stdin.readline()  # the test reads the files now, the connection open and its -wal file there

gone = services.user_create(username=username, password="a-long-password-42", display_name=name)
stays = services.user_create(username="stays", password="a-long-password-42", display_name=old)
Membership.objects.create(user=stays, group=group, role=Role.MEMBER)
post = exchange.post_create(group=group, author=stays, data=exchange.PostInput(kind="need", category="food", title=title))
# Edited away, then deleted.
services.profile_update(user=stays, display_name="Someone else", language="en", email="", phone="")
exchange.post_update(post=post, actor=stays, data=exchange.PostInput(kind="need", category="food", title="soup"))
services.account_delete(user=gone)
print("done")
"""


def _files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


def _grep(files: list[Path], needles: list[str]) -> list[tuple[str, str]]:
    return [
        (p.name, n)
        for p in files
        for n in needles
        for form in (n.encode(), n.encode("utf-16-le"))
        if form in p.read_bytes()
    ]


@pytest.mark.own_install
def test_no_deleted_or_edited_word_in_any_file_of_the_data_dir(tmp_path: Path, migrated_sqlite: Any) -> None:
    migrated_sqlite(tmp_path)  # the script's migrate finds nothing left to do
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(MUTUALAID_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="mutualaid.config.settings")
    with subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *CANARIES, *TYPED, TYPED_EXTRA],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        stored = process.stdout.readline().strip()
        running = _files(tmp_path)
        # Property 2, while the install runs: no typed word in the database, its -wal or -shm.
        typed_hits = _grep(running, [*TYPED, f"CANARYEXTRA{TAG}", "Landlord threatening"])
        wal = sum(p.stat().st_size for p in running if p.name.endswith("-wal"))
        _out, err = process.communicate("\n", timeout=600)
    assert stored == "stored", err[-3000:]
    assert process.returncode == 0, err[-3000:]
    assert wal > 0, "the write-ahead log was read while it held pages"
    assert typed_hits == []
    files = _files(tmp_path)
    assert any(p.name.endswith(".sqlite3") for p in files)
    assert _grep(files, CANARIES) == []
    # The test can fail: what is still there is found.
    assert b"Someone else" in b"".join(p.read_bytes() for p in files)


@pytest.mark.django_db(transaction=True)
def test_no_deleted_or_edited_word_in_a_dump(tmp_path: Path, crown: Any) -> None:
    from mutualaid.exchange import services as exchange
    from mutualaid.members import services
    from mutualaid.members.models import Membership
    from tests.conftest import make_user
    from tests.core.dumps import database_bytes

    stays, gone = make_user("stays"), make_user(CANARIES[1])
    services.profile_update(user=stays, display_name=CANARIES[3], language="en", email="", phone="")
    services.profile_update(user=gone, display_name=CANARIES[0], language="en", email="", phone="")
    Membership.objects.create(user=stays, group=crown)
    post = exchange.post_create(
        group=crown, author=stays, data=exchange.PostInput(kind="need", category="food", title=CANARIES[2])
    )
    services.profile_update(user=stays, display_name="Someone else", language="en", email="", phone="")
    exchange.post_update(
        post=post, actor=stays, data=exchange.PostInput(kind="need", category="food", title="soup")
    )
    services.account_delete(user=gone)
    dump = database_bytes(tmp_path)
    assert b"Someone else" in dump
    assert [c for c in CANARIES if c.encode() in dump] == []
