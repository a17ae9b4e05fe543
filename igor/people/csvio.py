"""Reading person files for linkage: encodings, separators, column mappings, bad rows.

Files come from other registers: UTF-8 with or without BOM, Windows-1252 from Excel, separated
by commas, semicolons or tabs. Everything is checked before anything is written, and a problem is
reported with the line numbers it concerns.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("given", "surname", "name", "identity", "birth", "street", "postcode", "phone", "id")
DEFAULT_MAX_BYTES = 1024**3  # 1 GiB; larger files are refused (use --max-size to allow)
_SAMPLE = 64 * 1024
_SHOWN_LINES = 10


class InputProblem(ValueError):
    """A file that cannot be read as asked; the message says what and where."""


def parse_mapping(text: str) -> dict[str, str]:
    """ "given=Förnamn,surname=Efternamn,birth=Född" → {field: column}."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not column:
            raise InputProblem(f"--map: “{part.strip()}” is not field=column.")
        if field not in FIELDS:
            raise InputProblem(f"--map: unknown field “{field}”; use {', '.join(FIELDS)}.")
        mapping[field] = column
    if not mapping.keys() - {"id"}:
        raise InputProblem("--map names no field to match on (e.g. name=Namn,birth=Född).")
    return mapping


def _encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not merely a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def _dialect(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Row:
    line: int  # line number in the file (the header is line 1)
    values: dict[str, str]  # field → text, for the mapped fields


@dataclass
class PersonFile:
    path: Path
    encoding: str
    separator: str
    header: list[str]
    mapping: dict[str, str]

    def rows(self) -> Iterator[Row]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.separator)
            next(reader, None)
            index = {field: self.header.index(column) for field, column in self.mapping.items()}
            for values in reader:
                if not any(value.strip() for value in values):
                    continue
                yield Row(
                    reader.line_num,
                    {field: values[at].strip() for field, at in index.items()},
                )


def open_person_file(
    path: str | Path, mapping: dict[str, str], max_bytes: int = DEFAULT_MAX_BYTES
) -> PersonFile:
    """Check a file and its mapping, and read every row once for shape; raise InputProblem."""
    path = Path(path)
    if not path.is_file():
        raise InputProblem(f"{path}: no such file.")
    size = os.path.getsize(path)
    if size > max_bytes:
        raise InputProblem(
            f"{path}: {size / 1024**3:.1f} GiB is larger than the limit of "
            f"{max_bytes / 1024**3:.1f} GiB; split the file or raise --max-size."
        )
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE)
    if not head.strip():
        raise InputProblem(f"{path}: the file is empty.")
    if b"\x00" in head:
        raise InputProblem(f"{path}: this is not a text file (it holds NUL bytes).")
    encoding = _encoding(head)
    separator = _dialect(head.decode(encoding, errors="replace"))
    with path.open(encoding=encoding, newline="") as handle:
        header = [name.strip() for name in next(csv.reader(handle, delimiter=separator), [])]
    missing = [column for column in mapping.values() if column not in header]
    if missing:
        raise InputProblem(
            f"{path}: no column {', '.join(repr(m) for m in missing)}; "
            f"the columns are {', '.join(repr(h) for h in header)}."
        )
    found = PersonFile(path, encoding, separator, header, mapping)
    _check_shape(found)
    return found


def _check_shape(found: PersonFile) -> None:
    bad: list[int] = []
    try:
        with found.path.open(encoding=found.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=found.separator)
            next(reader, None)
            for values in reader:
                if any(value.strip() for value in values) and len(values) != len(found.header):
                    bad.append(reader.line_num)
    except UnicodeDecodeError as error:
        raise InputProblem(
            f"{found.path}: not readable as {found.encoding} (byte {error.start} of a line); "
            "save it as UTF-8."
        ) from error
    except csv.Error as error:
        raise InputProblem(f"{found.path}: {error}.") from error
    if bad:
        shown = ", ".join(str(line) for line in bad[:_SHOWN_LINES])
        more = f" and {len(bad) - _SHOWN_LINES} more" if len(bad) > _SHOWN_LINES else ""
        raise InputProblem(
            f"{found.path}: lines {shown}{more} do not have the {len(found.header)} columns "
            "of the header."
        )


def write_atomically(path: str | Path, rows: Iterator[list[str]], header: list[str]) -> int:
    """Write a CSV file whole or not at all: into a temporary file beside it, then renamed."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.partial")
    count = 0
    try:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return count


def sniff_text(text: str) -> str:
    """The separator a CSV text uses (for tests and small inputs)."""
    return _dialect(io.StringIO(text).read(_SAMPLE))
