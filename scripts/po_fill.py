"""Fill msgstr entries of a .po file from a Python dict of translations (a translator's helper).

    python scripts/po_fill.py TRANSLATIONS.py FILE.po [FILE.po ...]

TRANSLATIONS.py defines `T = {msgid: msgstr, (msgid, msgid_plural): (singular, plural)}`. Entries
already translated are kept; the script prints every msgid still missing a translation and exits 1
when any is left, so a forgotten string cannot pass unnoticed.
"""

from __future__ import annotations

import re
import runpy
import sys


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(lines: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', lines)
    return "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def fill(path: str, table: dict) -> list[str]:  # type: ignore[type-arg]
    with open(path, encoding="utf-8") as handle:
        blocks = handle.read().split("\n\n")
    missing = []
    for index, block in enumerate(blocks):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid or index == 0:
            continue
        key = _unquote(msgid.group(1))
        plural = re.search(r'^msgid_plural ((?:".*"\n?)+)', block, re.M)
        # A fuzzy entry is gettext's guess from a similar string: never trust it.
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        block = re.sub(r"^#, fuzzy\n", "", block, flags=re.M).replace(", fuzzy", "")
        block = re.sub(r"^#\| msgid .*\n", "", block, flags=re.M)
        if plural:
            pkey = (key, _unquote(plural.group(1)))
            existing = re.search(r'^msgstr\[0\] ((?:".*"\n?)+)', block, re.M)
            if existing and _unquote(existing.group(1)) and not fuzzy:
                continue
            if pkey not in table:
                missing.append(key)
                continue
            one, many = table[pkey]
            head = block[: block.index("msgstr[0]")]
            blocks[index] = head + f"msgstr[0] {_quote(one)}\nmsgstr[1] {_quote(many)}"
        else:
            existing = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
            if existing and _unquote(existing.group(1)) and not fuzzy:
                blocks[index] = block
                continue
            if key not in table:
                missing.append(key)
                continue
            head = block[: block.index("\nmsgstr ") + 1]
            blocks[index] = head + f"msgstr {_quote(table[key])}"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(blocks).rstrip("\n") + "\n")
    return missing


if __name__ == "__main__":
    table = runpy.run_path(sys.argv[1])["T"]
    left = []
    for po in sys.argv[2:]:
        left += [f"{po}: {m!r}" for m in fill(po, table)]
    print("\n".join(left) or "all translated")
    sys.exit(1 if left else 0)
