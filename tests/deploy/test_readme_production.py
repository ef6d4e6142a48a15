"""The README's production section is the path the shipped files implement (no drift): the commands it gives
name files, units, addresses and subcommands that exist, and the proxy drill runs those same files."""

from __future__ import annotations

import re
import shlex

import pytest
from django.core.management import get_commands

from tests.deploy.envfile import ENV_EXAMPLE, ROOT, parse_env_file

pytestmark = pytest.mark.pure

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Production", 1)[1].split("\n## ", 1)[0]
PATH_BLOCK = re.findall(r"```sh\n(.*?)```", SECTION, flags=re.S)[0]
COMMANDS = [line for line in PATH_BLOCK.splitlines() if line.strip() and not line.lstrip().startswith("#")]
CLI_ONLY = {"secret-key", "setup-code", "match", "seized-report"}


def test_the_path_is_a_short_list_of_commands_in_the_order_the_drill_runs_them() -> None:
    print(f"README production path: {len(COMMANDS)} commands")
    assert 12 <= len(COMMANDS) <= 25
    order = [c for c in COMMANDS if "/opt/mutualaid/bin/mutualaid " in c]
    assert [shlex.split(c)[1] for c in order] == ["migrate", "check", "setup-code"]
    assert COMMANDS.index("scripts/install") < COMMANDS.index(order[0])


def test_every_mutualaid_command_in_the_section_exists() -> None:
    known = set(get_commands()) | CLI_ONLY
    used = re.findall(r"mutualaid (?:bin/)?mutualaid ([a-z][a-z_-]*)|bin/mutualaid ([a-z][a-z_-]*)", SECTION)
    names = {a or b for a, b in used}
    assert names >= {"migrate", "check", "setup-code", "restore"}
    assert names <= known, names - known


def test_files_units_and_addresses_match_the_shipped_ones() -> None:
    for shipped in re.findall(r"/opt/mutualaid/(deploy/[\w./@-]+)", SECTION):
        assert (ROOT / shipped).is_file(), shipped
    units = {p.name for p in (ROOT / "deploy" / "systemd").iterdir()}
    for name in re.findall(r"\b(mutualaid-(?:web|worker|backup)[@.][\w.:@-]*)", PATH_BLOCK):
        if "@" in name:
            template = name.split("@", 1)[0] + "@.service"
        else:
            template = name if name.endswith((".service", ".timer")) else name + ".service"
        assert template in units, name
    # The app servers the README starts are the upstreams of the shipped nginx and Caddy files.
    started = re.findall(r"mutualaid-web@([\d.]+:\d+)", PATH_BLOCK)
    nginx = re.findall(r"^\s*server ([\d.]+:\d+)", (ROOT / "deploy/nginx/mutualaid.conf").read_text(), re.M)
    caddy = re.search(r"reverse_proxy ([^{]+)\{", (ROOT / "deploy/caddy/Caddyfile").read_text())
    assert started == nginx and caddy and caddy.group(1).split() == started
    # One environment file everywhere: the README, the units, scripts/install's wrapper.
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        assert "EnvironmentFile=/etc/mutualaid/mutualaid.env" in unit.read_text(), unit.name
    assert "/etc/mutualaid/mutualaid.env" in SECTION
    assert "ETC=/etc/mutualaid" in (ROOT / "scripts" / "install").read_text()


def test_the_database_commands_are_the_ones_migrate_suggests() -> None:
    from mutualaid.core.operations import explain_database_error

    advice = explain_database_error(Exception("permission denied for schema public"))
    assert advice is not None
    suggested = re.findall(r"`(runuser [^`]+)`", advice)[0]
    assert suggested in COMMANDS


def test_the_shipped_environment_names_every_setting_the_check_asks_for() -> None:
    shipped = parse_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))
    for variable in (
        "MUTUALAID_HTTPS",
        "MUTUALAID_BEHIND_PROXY",
        "MUTUALAID_ALLOWED_HOSTS",
        "MUTUALAID_CSRF_TRUSTED_ORIGINS",
        "MUTUALAID_PUBLIC_URL",
        "MUTUALAID_FORWARDED_ALLOW_IPS",
        "SECRET_KEY",
        "MUTUALAID_KEYRING",
        "DATABASE_URL",
    ):
        assert variable in shipped, variable
    assert shipped["MUTUALAID_PUBLIC_URL"] == "https://aid.example.org"
