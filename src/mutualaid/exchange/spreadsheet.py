"""Reading the spreadsheets groups already have: CSV in any common encoding and delimiter, or XLSX.

Handles a UTF-8 byte-order mark, UTF-16, Latin-1 and other legacy encodings (detected with
charset-normalizer), `,` `;` tab or `|` delimiters, blank rows, and title or merged rows above the real
header (the header is the row among the first ten that looks most like one). Every data row keeps the
line number a person sees when they open the file, so problems can point at it.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
HEADER_SCAN = 10


class SheetError(ValueError):
    """The file cannot be read as a spreadsheet at all (the message says why, for people)."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells aligned with headers)
    header_line: int
    encoding: str
    delimiter: str
    # XLSX cells holding a formula whose result the file does not carry (written by a program that does not
    # calculate, e.g. a script): line → column indexes. Reading them as empty would lose data silently.
    unsaved_formulas: dict[int, set[int]] = field(default_factory=dict)


@functools.lru_cache(maxsize=4096)  # answers repeat down a column ("Urgent (within 24 hours)")
def normalise_header(text: str) -> str:
    """Lower case, accents stripped, punctuation to spaces: "¿Qué necesita?" → "que necesita"."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32", errors="replace"), "utf-32"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-16 without a BOM: every other byte of ASCII text is zero.
    if len(data) > 4 and data[1::2].count(0) > len(data) // 4:
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if len(data) > 4 and data[0::2].count(0) > len(data) // 4:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "latin-1"
    if encoding in {"ascii", "utf_8"}:
        encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace"), "cp1252"


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], str, str]:
    text, encoding = decode(data)
    text = text.replace("\x00", "")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for record in reader:
            start = last + 1
            last = reader.line_num
            rows.append((start, [c.strip() for c in record]))
            if len(rows) > MAX_ROWS + HEADER_SCAN + 100:
                raise SheetError("too_many_rows")
    except csv.Error as exc:
        raise SheetError("unreadable_csv") from exc
    return rows, encoding, delimiter


def _raw_rows_xlsx(data: bytes) -> tuple[list[tuple[int, list[str]]], dict[int, set[int]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError("unreadable_xlsx") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell(v) for v in values]))
            if len(rows) > MAX_ROWS + HEADER_SCAN + 100:
                raise SheetError("too_many_rows")
    finally:
        book.close()
    return rows, _unsaved_formulas(data, rows)


def _unsaved_formulas(data: bytes, rows: list[tuple[int, list[str]]]) -> dict[int, set[int]]:
    """Cells that are formulas in the file and empty in what it saved (a second, formula-only read)."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(
            b"<f" in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        ):
            return {}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found: dict[int, set[int]] = {}
        cells = dict(rows)
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            saved = cells.get(number, [])
            for index, value in enumerate(values):
                if (
                    isinstance(value, str)
                    and value.startswith("=")
                    and not (saved[index : index + 1] or [""])[0]
                ):
                    found.setdefault(number, set()).add(index)
        return found
    finally:
        book.close()


def read_sheet(data: bytes, score_header: Callable[[list[str]], float]) -> Sheet:
    """Rows of a CSV or XLSX file under its detected header row; blank rows dropped."""
    if len(data) > MAX_BYTES:
        raise SheetError("too_big")
    if not data.strip():
        raise SheetError("empty")
    formulas: dict[int, set[int]] = {}
    if data[:4] == b"PK\x03\x04":
        (raw, formulas), encoding, delimiter = _raw_rows_xlsx(data), "xlsx", ""
    else:
        raw, encoding, delimiter = _raw_rows_csv(data)
    rows = [(line, cells) for line, cells in raw if any(c.strip() for c in cells) or line in formulas]
    if not rows:
        raise SheetError("empty")
    candidates = rows[:HEADER_SCAN]
    scores = [score_header(cells) for _line, cells in candidates]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    header_line, headers = candidates[best]
    if len(headers) > MAX_COLUMNS:
        raise SheetError("too_many_columns")
    # Trailing empty header cells (a sheet's unused columns) are dropped.
    while headers and not headers[-1].strip():
        headers = headers[:-1]
    width = len(headers)
    body = []
    for line, cells in rows[best + 1 :]:
        cells = (cells + [""] * width)[:width]
        if any(cells) or line in formulas:
            body.append((line, cells))
    if len(body) > MAX_ROWS:
        raise SheetError("too_many_rows")
    return Sheet(
        [h.strip() for h in headers],
        body,
        header_line,
        encoding,
        delimiter,
        {line: columns for line, columns in formulas.items() if line > header_line},
    )
