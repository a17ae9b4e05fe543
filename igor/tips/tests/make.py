"""Tip-line rows for tests, written through the actions like everything else."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.test import Client

from igor.accounts.models import Unit
from igor.tips import actions
from igor.tips.models import Tip, TipLine
from tests.personas import Personas

FULL_TIP: dict[str, Any] = {
    "danger_now": False,
    "what_happened": "Skrik och dunsar från lägenheten bredvid, flera kvällar i rad.",
    "when_text": "Fredag kväll",
    "place": "Götgatan 1",
    "people_involved": "En man i 40-årsåldern och en kvinna",
    "children_in_home": "yes",
    "weapons": "unknown",
    "threats": "yes",
    "how_known": "neighbour",
}


@dataclass
class TipWorld:
    p: Personas
    line_a: TipLine
    line_b: TipLine
    tip: Tip
    code: str


def tip_line(unit: Unit, slug: str) -> TipLine:
    return TipLine.objects.get_or_create(unit=unit, defaults={"slug": slug})[0]


def send_tip(unit: Unit, **details: Any) -> actions.Sent:
    return actions.submit(
        unit=unit,
        kind="tip",
        language="sv",
        details={**FULL_TIP, **details},
        contact={"name": "Tipsare Testsson", "phone": "070-174 06 55", "email": ""},
        submission_key=secrets.token_urlsafe(16),
    )


def make_tip_world(personas: Personas) -> TipWorld:
    line_a = tip_line(personas.unit_a, "sodermalm")
    line_b = tip_line(personas.unit_b, "norrmalm")
    sent = send_tip(personas.unit_a)
    return TipWorld(personas, line_a, line_b, sent.tip, sent.code)


def token_of(response: Any) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "the page has no form token"
    return match.group(1)


class Visitor:
    """An anonymous visitor going through the public pages with a plain test client."""

    def __init__(self, slug: str = "sodermalm", lang: str = "sv", **headers: Any) -> None:
        self.client = Client(**headers)
        self.base = f"/t/{slug}/{lang}/"
        self.token = ""

    def get(self, path: str = "") -> Any:
        response = self.client.get(self.base + path)
        if response.status_code == 200 and b"form_token" in response.content:
            self.token = token_of(response)
        return response

    def post(self, path: str, data: dict[str, Any]) -> Any:
        response = self.client.post(self.base + path, {"form_token": self.token, **data})
        if b"form_token" in response.content:
            self.token = token_of(response)
        return response

    def send_tip(self, *, contact: dict[str, str] | None = None, **overrides: Any) -> Any:
        """All five steps; returns the response to the final send."""
        data = {**FULL_TIP, **overrides}
        self.get("tipsa/")
        self.post("tipsa/", {"step": 1, "danger_now": "no"})
        self.post(
            "tipsa/",
            {"step": 2, **{k: data[k] for k in ("what_happened", "when_text", "place")}},
        )
        self.post(
            "tipsa/",
            {
                "step": 3,
                **{
                    k: data[k]
                    for k in ("people_involved", "children_in_home", "weapons", "threats")
                },
            },
        )
        self.post("tipsa/", {"step": 4, "how_known": data["how_known"], **(contact or {})})
        return self.post("tipsa/", {"step": 5, "go": "next"})

    def receipt_code(self) -> str:
        response = self.get("kod/")
        match = re.search(r'id="receipt-code"[^>]*>([\d ]+)<', response.content.decode())
        assert match, "no receipt code on the page"
        return match.group(1)
