"""Anchors: the audit chain's head published outside the database.

The chain (igor.audit.chain) shows any edited, inserted or reordered event, but the newest events
can be cut off together with the chain head, or the database restored to an older copy, and
the chain alone still looks whole. An anchor is a line written to a file (and to stdout) that
should be copied to another system: the head's sequence number and MAC, and the time. A later
`igor audit verify` checks the database against every anchor: each anchored event must still be
there with the same MAC. One line per anchor, as JSON:

    {"kind": "anchor", "at": "...", "seq": 1234, "mac": "...", "reason": "", "prev": "...",
     "sig": "..."}

``sig`` is an HMAC with the audit key over the other fields, so a line cannot be forged without
the key; ``prev`` is the previous line's ``sig``, so a line removed from the middle of the file
shows. A ``reseal`` line records a deliberate restore of an older database: anchors before it
are then checked only up to the event the restore kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from igor.audit.chain import ChainProblem

ANCHOR = "anchor"
RESEAL = "reseal"
_SIGNED = ("kind", "at", "seq", "mac", "reason", "prev")


class AnchorFileError(Exception):
    """The anchor file cannot be read as anchors."""


@dataclass(frozen=True)
class Anchor:
    kind: str
    at: str
    seq: int
    mac: str
    reason: str
    prev: str
    sig: str

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def _signature(key: bytes, fields: Mapping[str, Any]) -> str:
    payload = json.dumps({name: fields[name] for name in _SIGNED}, sort_keys=True)
    return hmac.new(key, b"igor-anchor:" + payload.encode(), hashlib.sha256).hexdigest()


def make_anchor(
    key: bytes, *, seq: int, mac: str, at: str, prev: str, kind: str = ANCHOR, reason: str = ""
) -> Anchor:
    fields = {"kind": kind, "at": at, "seq": seq, "mac": mac, "reason": reason, "prev": prev}
    return Anchor(**fields, sig=_signature(key, fields))  # type: ignore[arg-type]


def parse_anchors(lines: Iterable[str]) -> list[Anchor]:
    anchors = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            anchors.append(
                Anchor(
                    kind=str(fields["kind"]),
                    at=str(fields["at"]),
                    seq=int(fields["seq"]),
                    mac=str(fields["mac"]),
                    reason=str(fields.get("reason", "")),
                    prev=str(fields["prev"]),
                    sig=str(fields["sig"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorFileError(f"line {number} is not an anchor") from exc
    return anchors


def read_anchors(path: Path) -> list[Anchor]:
    try:
        with path.open(encoding="utf-8") as lines:
            return parse_anchors(lines)
    except OSError as exc:
        raise AnchorFileError(f"{path} cannot be read: {exc.strerror}") from exc


def append_anchor(path: Path, anchor: Anchor) -> None:
    """Append one line and wait until it is on disk (O_APPEND: never rewrites earlier lines)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def find_anchor_problems(
    key: bytes,
    anchors: list[Anchor],
    head_seq: int,
    macs_of: Callable[[list[int]], Mapping[int, str]],
) -> list[ChainProblem]:
    """What the anchors say about the chain: forged or missing lines, cut or rewritten events."""
    problems: list[ChainProblem] = []
    prev = ""
    for anchor in anchors:
        if not hmac.compare_digest(_signature(key, asdict(anchor)), anchor.sig):
            problems.append(ChainProblem(anchor.seq, f"anchor of {anchor.at} is not genuine"))
        elif anchor.prev != prev:
            problems.append(
                ChainProblem(anchor.seq, f"anchor of {anchor.at} does not follow the one before it")
            )
        prev = anchor.sig
    # After a reseal, earlier anchors count only up to the event the restore kept.
    checked: list[Anchor] = []
    for anchor in anchors:
        if anchor.kind == RESEAL:
            # The reseal's own event is new, so anchors of that number and later saw lost events.
            checked = [a for a in checked if a.seq < anchor.seq]
        checked.append(anchor)
    macs = macs_of([anchor.seq for anchor in checked if 0 < anchor.seq <= head_seq])
    for anchor in checked:
        if anchor.seq > head_seq:
            problems.append(
                ChainProblem(
                    anchor.seq,
                    f"the chain ends at event {head_seq}, but the anchor of {anchor.at} saw "
                    f"event {anchor.seq}: newer events were removed",
                )
            )
        elif anchor.seq and macs.get(anchor.seq) != anchor.mac:
            problems.append(
                ChainProblem(
                    anchor.seq,
                    f"event {anchor.seq} is not the one anchored on {anchor.at}: "
                    "the chain was rewritten",
                )
            )
    return problems
