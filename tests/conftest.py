"""Shared test members, reused across the suite (STYLE.md rule 11).

- `ada`: coordinator of Crown Heights (`crown`), with a second factor set up.
- `ben`: member of `crown`.
- `cy`: member of Bushwick (`bush`), the other group.
- `dee`: coordinator of `bush`, with a second factor.
- `eve`: an account in no group.
- `fay`: a second plain member of `crown`, so claims and matches can go between two members.
- `ida`: a second coordinator of `crown`, with a second factor (funds need two coordinators to approve).

Each fixture name means one thing in the whole suite: a domain's conftest adds new names, it never
redefines one of these. Helpers that are not fixtures (`make_post`, places) are in `tests/helpers.py`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

# Tests get their own data dir (keys, secret key) unless one is given.
os.environ.setdefault("MUTUALAID_DATA_DIR", tempfile.mkdtemp(prefix="mutualaid-test-"))


def _data_dir_per_worker() -> None:
    """Under pytest-xdist each worker gets a data dir of its own inside the given one: two workers
    creating the key ring of one shared dir at once would each encrypt with a different ring.

    Settings are already loaded when this runs (pytest-django loads them before the conftests), so the
    settings that derive from the data dir are moved here too; subprocesses inherit the variable."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings

    own = Path(settings.DATA_DIR) / f"xdist-{worker}"
    own.mkdir(mode=0o700, exist_ok=True)
    if Path(settings.MUTUALAID_KEY_FILE) == Path(settings.DATA_DIR) / "keys.json":
        settings.MUTUALAID_KEY_FILE = own / "keys.json"
    settings.STATIC_ROOT = own / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)  # as settings.py does for the shared one
    settings.DATA_DIR = own
    os.environ["MUTUALAID_DATA_DIR"] = str(own)


_data_dir_per_worker()

PASSWORD = "a-long-test-password-42"

# On CI every property test replays the same examples (a red CI must mean a change broke something, not
# that the dice found an old bug); developers' runs keep exploring new ones.
if os.environ.get("CI"):
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    # A shared 2-core CI machine is slow at times: how fast examples are generated or run says nothing
    # about behaviour there, so neither speed check fails a run.
    hypothesis_settings.register_profile(
        "ci",
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    hypothesis_settings.load_profile("ci")


# Settings no middleware reads when it is built (every test sets the first: `_fast_hasher`).
MIDDLEWARE_BLIND = frozenset({"PASSWORD_HASHERS"})


@pytest.fixture(autouse=True, scope="session")
def _middleware_built_once() -> Iterator[None]:
    """Every test client shares one built middleware chain until a setting changes.

    Django's test client builds the whole chain for each new `Client` (as a server does once per process):
    WhiteNoise alone lists and stats every static file and prepares its headers. That was 11 ms of each
    request from a new client against 0.6 ms from a used one, and the suite makes a new client for most
    requests (`client_for`, the access matrix, the sweeps). The middleware here keeps no state of its own
    between requests; a changed setting (which a middleware may read when built) builds the chain anew,
    as a new client did."""
    from django.test.client import AsyncClientHandler, ClientHandler
    from django.test.signals import setting_changed

    kept: dict[tuple[type, bool], tuple[Any, ...]] = {}
    parts = (
        "_middleware_chain",
        "_view_middleware",
        "_template_response_middleware",
        "_exception_middleware",
    )

    def drop(*, setting: str, **kwargs: Any) -> None:
        if setting not in MIDDLEWARE_BLIND:
            kept.clear()

    def patched(original: Any) -> Any:
        def load_middleware(handler: Any, is_async: bool = False) -> None:
            key = (type(handler), is_async)
            if key not in kept:
                original(handler, is_async=is_async)
                kept[key] = tuple(getattr(handler, part) for part in parts)
            for part, value in zip(parts, kept[key], strict=True):
                setattr(handler, part, value)

        return load_middleware

    originals = {cls: cls.load_middleware for cls in (ClientHandler, AsyncClientHandler)}
    setting_changed.connect(drop, weak=False)
    for cls, original in originals.items():
        cls.load_middleware = patched(original)  # type: ignore[method-assign]
    yield
    for cls, original in originals.items():
        cls.load_middleware = original  # type: ignore[method-assign]
    setting_changed.disconnect(drop)


@pytest.fixture(autouse=True)
def _public_url_kept() -> Iterator[None]:
    """`mutualaid demo` names its address in MUTUALAID_PUBLIC_URL for the process it serves; a test that runs
    the demo command in-process must not leave it to the tests after it (webhook signatures, feeds' links)."""
    before = os.environ.get("MUTUALAID_PUBLIC_URL")
    yield
    if before is None:
        os.environ.pop("MUTUALAID_PUBLIC_URL", None)
    else:
        os.environ["MUTUALAID_PUBLIC_URL"] = before


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test runs in English and leaves no language behind: a request as a Spanish-speaking member
    activates Spanish in the thread (the member-language middleware), which would otherwise carry into
    the next test's direct service calls and asserted messages."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _installed(request: pytest.FixtureRequest) -> None:
    """Most tests run against an install that is already set up (first-run setup has its own tests), and
    get the database. Tests marked `pure` (the engines that import nothing from Django) get neither: a
    pure test that touches the database fails on pytest-django's guard."""
    if request.node.get_closest_marker("pure"):
        return
    request.getfixturevalue("db")
    from mutualaid.groups import middleware

    middleware._setup_done = "fresh_install" not in request.keywords


def make_user(username: str, **extra: Any) -> Any:
    from mutualaid.members.services import user_create

    return user_create(username=username, password=PASSWORD, display_name=username.title(), **extra)


def enable_totp(user: Any) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@pytest.fixture
def crown(db: Any) -> Any:
    from mutualaid.groups.models import Group

    return Group.objects.create(
        name="Crown Heights Mutual Aid",
        slug="crown",
        centre_lat=40.6694,
        centre_lon=-73.9422,
        radius_km=2.5,
        postal_codes=["11216", "11225"],
        categories=["food", "housing", "transport"],
        languages=["en", "es"],
        accepts_requests=True,
    )


@pytest.fixture
def bush(db: Any) -> Any:
    from mutualaid.groups.models import Group

    return Group.objects.create(
        name="Ayuda Mutua Bushwick",
        slug="bush",
        centre_lat=40.6944,
        centre_lon=-73.9213,
        radius_km=2.0,
        postal_codes=["11221"],
        categories=["food", "legal"],
        languages=["es"],
    )


def _member(user: Any, group: Any, role: str) -> None:
    from mutualaid.members.models import Membership

    Membership.objects.create(user=user, group=group, role=role)


@pytest.fixture
def ada(crown: Any) -> Any:
    user = make_user("ada")
    _member(user, crown, "coordinator")
    enable_totp(user)
    return user


@pytest.fixture
def ben(crown: Any) -> Any:
    user = make_user("ben")
    _member(user, crown, "member")
    return user


@pytest.fixture
def cy(bush: Any) -> Any:
    user = make_user("cy")
    _member(user, bush, "member")
    return user


@pytest.fixture
def dee(bush: Any) -> Any:
    user = make_user("dee")
    _member(user, bush, "coordinator")
    enable_totp(user)
    return user


@pytest.fixture
def eve(db: Any) -> Any:
    return make_user("eve")


@pytest.fixture
def fay(crown: Any) -> Any:
    user = make_user("fay")
    _member(user, crown, "member")
    return user


@pytest.fixture
def ida(crown: Any) -> Any:
    user = make_user("ida")
    _member(user, crown, "coordinator")
    enable_totp(user)
    return user


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    """A logged-in browser-like client for a member (None: anonymous)."""

    def make(user: Any, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def api_for() -> Callable[[Any], Client]:
    """An API client carrying a fresh personal access token for a member (None: no token)."""
    from mutualaid.members.services import access_token_create

    def make(user: Any) -> Client:
        if user is None:
            return Client()
        _record, token = access_token_create(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def one_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limiter's clock stands still for the test, so every attempt it makes lands in one window.

    Limits count in fixed windows (a minute, an hour) that start on the clock: a test making three
    attempts against "3/m" and expecting the fourth refused passed the fourth into a fresh window whenever
    a minute turned between them (about one run in sixty for a test of a second on a loaded machine).
    """
    from types import SimpleNamespace

    from django.utils import timezone

    from mutualaid.core import ratelimit

    now = timezone.now()
    monkeypatch.setattr(ratelimit, "timezone", SimpleNamespace(now=lambda: now))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], None]:
    """Puts into a data dir the SQLite database `mutualaid migrate` makes on a fresh install, for the tests
    that start mutualaid processes on an install of their own. It is migrated once per test run and copied
    (pytest-xdist's workers share it through a lock): migrating a new database takes about 20 s of CPU, and
    those tests test what runs on the database, not the migrations (their own tests, and the README's first
    command in tests/core/test_cli.py and the proxy drill, still migrate from nothing)."""
    import fcntl
    import shutil
    import subprocess
    import sys

    from tests.deploy.envfile import production_env

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's own directory, above each worker's
    template = shared / "migrated-sqlite"
    with open(shared / "migrated-sqlite.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "migrated").exists():
            template.mkdir(exist_ok=True)
            subprocess.run(
                [sys.executable, "-m", "mutualaid.cli", "migrate", "-v0"],
                env=production_env(template),
                capture_output=True,
                check=True,
                timeout=600,
            )
            (template / "migrated").touch()

    def put(data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        for item in template.iterdir():
            if item.name.startswith("mutualaid.sqlite3"):
                shutil.copy(item, data_dir / item.name)

    return put
