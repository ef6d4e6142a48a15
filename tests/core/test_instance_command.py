"""The solver commands' shared front (`mutualaid match`, `mutualaid route`): arguments, reading a file or
stdin, parsing, and exit 2 with a message naming what was wrong."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from mutualaid.core.instance_command import EXIT_INVALID, Loaded, load


class Invalid(Exception):
    pass


def parse(text: str) -> list[str]:
    if not text.startswith("ok"):
        raise Invalid(f"expected ok, found {text[:5]!r}")
    return text.split()


def extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fast", action="store_true")


def call(argv: list[str], stdin: str | None = None) -> tuple[Loaded[list[str]] | int, str]:
    err = io.StringIO()
    loaded = load(
        argv,
        err,
        None if stdin is None else io.StringIO(stdin),
        prog="mutualaid try",
        description="A test command.",
        add_arguments=extra,
        parse=parse,
        invalid=Invalid,
    )
    return loaded, err.getvalue()


def test_a_file_is_read_and_parsed_with_the_commands_own_arguments(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_bytes("\ufeffok go".encode())  # a byte-order mark, as some Windows tools write, is no error
    loaded, err = call([str(path), "--fast"])
    assert err == ""
    assert isinstance(loaded, Loaded)
    assert loaded.instance == ["ok", "go"]
    assert loaded.args.fast is True and loaded.args.instance == str(path)
    assert loaded.started <= loaded.parsed


def test_a_dash_reads_stdin() -> None:
    loaded, err = call(["-"], stdin="\ufeffok from stdin")
    assert err == "" and isinstance(loaded, Loaded)
    assert loaded.instance == ["ok", "from", "stdin"]
    assert loaded.args.fast is False


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "mutualaid try: error: the following arguments are required: instance"),
        (["x.json", "--slow"], "mutualaid try: error: unrecognized arguments: --slow"),
    ],
)
def test_a_usage_error_exits_2_with_the_usage(argv: list[str], says: str) -> None:
    loaded, err = call(argv)
    assert loaded == EXIT_INVALID == 2
    assert err.startswith("usage: mutualaid try") and says in err


def test_an_unreadable_file_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    loaded, err = call([str(missing)])
    assert loaded == 2 and err.startswith(f"mutualaid try: cannot read {missing}: ")
    latin = tmp_path / "latin.json"
    latin.write_bytes("ok caf\xe9".encode("latin-1"))
    loaded, err = call([str(latin)])
    assert loaded == 2 and err.startswith(f"mutualaid try: cannot read {latin}: ")


def test_an_invalid_instance_exits_2_with_the_parsers_message(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text("[1, 2]", encoding="utf-8")
    loaded, err = call([str(path)])
    assert loaded == 2
    assert err == "mutualaid try: invalid instance: expected ok, found '[1, 2'\n"
