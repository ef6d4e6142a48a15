"""No secret key in the source tree: settings loaded with the working folder inside the package (the
README's catalogue steps run `django-admin` from an app's folder) refuse the default data dir there and
name MUTUALAID_DATA_DIR, and the documented steps set it to a folder of their own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mutualaid

pytestmark = pytest.mark.pure

PACKAGE = Path(mutualaid.__file__).resolve().parent
ROOT = PACKAGE.parents[1]


def _settings_in(folder: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="mutualaid.config.settings", **extra)
    return subprocess.run(
        # -P: the app folder is not on sys.path (its selectors.py would shadow the standard one), as with django-admin.
        [sys.executable, "-P", "-c", "import django; django.setup()"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_loaded_inside_the_package_write_no_data_dir_there(tmp_path: Path) -> None:
    app = PACKAGE / "deliveries"
    left = app / "data"
    existed = left.exists()
    try:
        refused = _settings_in(app)
        assert refused.returncode != 0
        assert "MUTUALAID_DATA_DIR" in refused.stderr
        assert not left.exists() or existed
        # With a data dir of its own the same step works, and writes only there.
        given = tmp_path / "data"
        assert _settings_in(app, MUTUALAID_DATA_DIR=str(given)).returncode == 0
        assert (given / "secret_key").exists()
    finally:
        if left.exists() and not existed:
            shutil.rmtree(left)


def test_the_documented_catalogue_steps_set_a_data_dir_of_their_own() -> None:
    steps = []
    for doc in (ROOT / "README.md", ROOT / "docs" / "translating.md"):
        steps += [line for line in doc.read_text(encoding="utf-8").splitlines() if "django-admin" in line]
    settings_steps = [line for line in steps if "DJANGO_SETTINGS_MODULE" in line]
    assert settings_steps
    for line in settings_steps:
        assert re.search(r"MUTUALAID_DATA_DIR=\S", line), line
