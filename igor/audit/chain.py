"""The audit hash chain as pure functions: the canonical form of an event and its MAC."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "verb",
    "object_type",
    "object_id",
    "person_id",
    "case_id",
    "purpose",
    "basis",
    "acting_role",
    "break_glass",
    "data",
)


def canonical(fields: Mapping[str, Any]) -> bytes:
    payload = {name: fields[name] for name in CHAINED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_mac(key: bytes, prev_mac: str, fields: Mapping[str, Any]) -> str:
    return hmac.new(key, prev_mac.encode() + canonical(fields), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def find_problems(
    key: bytes, events: Iterable[Mapping[str, Any]], head_seq: int, head_mac: str
) -> list[ChainProblem]:
    """Every break in the chain: changed content, a gap, a reorder, a forged row, a cut tail."""
    problems: list[ChainProblem] = []
    expected_seq, prev_mac = 1, GENESIS
    for event in events:
        seq = int(event["seq"])
        if seq != expected_seq:
            problems.append(ChainProblem(seq, f"expected event {expected_seq}, found {seq}"))
        if event["prev_mac"] != prev_mac:
            problems.append(ChainProblem(seq, "does not link to the event before it"))
        if not hmac.compare_digest(compute_mac(key, event["prev_mac"], event), event["mac"]):
            problems.append(ChainProblem(seq, "content does not match its MAC"))
        expected_seq, prev_mac = seq + 1, event["mac"]
    if expected_seq - 1 != head_seq or prev_mac != head_mac:
        problems.append(ChainProblem(head_seq, "the last event does not match the chain head"))
    return problems
