"""The closed list of statutory bases for disclosure across the wall, with their conditions.

The list itself is configuration (data/grounds.toml beside this file, or the file IGOR_SHARING_GROUNDS
names), because parts of the law behind it are unverified and a lawyer must be able to correct it
without a release. Each ground says which way it may carry data, which conditions the recording
officer must confirm, which fields those conditions require filled in, and whether a second person
(a unit lead) must approve before anything is visible. A basis is only as wide as its ground
allows; anything else needs the person's consent.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from igor.accounts.models import OrganisationKind

DEFAULT_FILE = Path(__file__).parent / "data" / "grounds.toml"
ANY = "any"
KINDS = {OrganisationKind.POLICE.value, OrganisationKind.SOCIAL_SERVICES.value, ANY}


class StatutoryGround:
    """Keys of grounds that code refers to by name (the rest are only in the list)."""

    OSL_10_18C = "osl_10_18c"
    OSL_10_18A = "osl_10_18a"
    OSL_10_21_24 = "osl_10_21_24"
    OROSANMALAN = "orosanmalan"
    OSL_10_2 = "osl_10_2"


def _in_language(texts: dict[str, str]) -> str:
    language = (get_language() or "sv")[:2]
    return texts.get(language) or texts.get("en") or texts.get("sv") or ""


class Item(NamedTuple):
    """A condition to confirm or a field to fill in: its key and its text per language."""

    key: str
    texts: dict[str, str]

    @property
    def text(self) -> str:
        return _in_language(self.texts)


@dataclass(frozen=True)
class Ground:
    key: str
    law: str
    from_kind: str
    to_kind: str
    needs_approval: bool
    verified: bool
    labels: dict[str, str]
    notes: dict[str, str]
    conditions: tuple[Item, ...]
    fields: tuple[Item, ...]

    @property
    def label(self) -> str:
        return _in_language(self.labels)

    @property
    def note(self) -> str:
        return _in_language(self.notes)

    def allows(self, from_kind: str, to_kind: str) -> bool:
        return (
            from_kind != to_kind
            and self.from_kind in (from_kind, ANY)
            and self.to_kind
            in (
                to_kind,
                ANY,
            )
        )


def _items(raw: list[dict[str, str]], where: str) -> tuple[Item, ...]:
    items = []
    for entry in raw:
        if not entry.get("key") or not entry.get("sv") or not entry.get("en"):
            raise ImproperlyConfigured(f"{where}: every condition and field needs key, sv and en.")
        items.append(Item(entry["key"], {"sv": entry["sv"], "en": entry["en"]}))
    return tuple(items)


def parse(text: str, source: str = "grounds") -> dict[str, Ground]:
    """The grounds in a TOML text; ImproperlyConfigured with the reason for a malformed list."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImproperlyConfigured(f"{source}: {exc}") from exc
    grounds: dict[str, Ground] = {}
    for raw in data.get("ground", []):
        key = raw.get("key", "")
        where = f"{source}: ground {key or '?'}"
        if not key or key in grounds or key in ("consent", "break_glass"):
            raise ImproperlyConfigured(f"{where}: a unique key is needed.")
        if raw.get("from") not in KINDS or raw.get("to") not in KINDS:
            raise ImproperlyConfigured(
                f"{where}: from and to must be police, social_services or any."
            )
        labels = raw.get("label", {})
        if not labels.get("sv") or not labels.get("en"):
            raise ImproperlyConfigured(f"{where}: label.sv and label.en are needed.")
        grounds[key] = Ground(
            key=key,
            law=str(raw.get("law", "")),
            from_kind=raw["from"],
            to_kind=raw["to"],
            needs_approval=bool(raw.get("needs_approval", True)),
            verified=bool(raw.get("verified", False)),
            labels=dict(labels),
            notes=dict(raw.get("note", {})),
            conditions=_items(raw.get("condition", []), where),
            fields=_items(raw.get("field", []), where),
        )
    if not grounds:
        raise ImproperlyConfigured(f"{source}: the list of grounds is empty.")
    return grounds


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Ground]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read the grounds list {path}: {exc}") from exc
    return parse(text, path)


def grounds() -> dict[str, Ground]:
    """The configured list, read once per file."""
    return _load(str(getattr(settings, "SHARING_GROUNDS_FILE", "") or DEFAULT_FILE))


def ground(key: str) -> Ground | None:
    return grounds().get(key)


def choices_for(from_kind: str, to_kind: str) -> list[tuple[str, str]]:
    """(key, label) of the grounds that may carry data this way, for a form."""
    return [(g.key, g.label) for g in grounds().values() if g.allows(from_kind, to_kind)]


class _Grounds:
    """`GROUNDS[key]` as before the list became configuration (the demo data uses it)."""

    def __getitem__(self, key: str) -> Ground:
        return grounds()[key]

    def get(self, key: str) -> Ground | None:
        return grounds().get(key)

    def __iter__(self) -> Any:
        return iter(grounds())

    def items(self) -> Any:
        return grounds().items()


GROUNDS = _Grounds()
