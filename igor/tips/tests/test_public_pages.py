"""Every public page of the tip line, in every language: headers, language and direction, nothing
from another host, no lasting cookie; and bad input answered clearly with nothing half-saved."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from igor.tips.models import Draft, Tip
from igor.tips.tests.make import TipWorld, Visitor

LANGUAGES = {"sv": "ltr", "en": "ltr", "ar": "rtl", "fa": "rtl"}
PAGES = ["", "tipsa/", "kontakt/", "sluta/", "stod/", "dolj/", "svar/", "skickat/", "tack/"]
LOADS = re.compile(r'<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"', re.I)


def _assert_private(response, path: str) -> None:
    assert response["Cache-Control"] == "no-store", path
    assert response["Referrer-Policy"] == "no-referrer", path
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
    assert "http:" not in csp and "https:" not in csp, path
    assert "camera=()" in response["Permissions-Policy"], path
    for cookie in response.cookies.values():
        assert not cookie["expires"] and not cookie["max-age"], (
            f"{path}: lasting cookie {cookie.key}"
        )


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_public_page_is_private_and_speaks_its_language(world: TipWorld, lang: str) -> None:
    client = Client()
    for page in PAGES:
        path = f"/t/sodermalm/{lang}/{page}"
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_private(response, path)
        html = response.content.decode()
        assert f'<html lang="{lang}" dir="{LANGUAGES[lang]}">' in html, path
        assert '<meta name="referrer" content="no-referrer">' in html, path
        for url in LOADS.findall(html):
            assert url.startswith("/"), f"{path} loads {url}"
        assert "data-quick-exit" in html, f"{path} has no quick exit"
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title and "våld" not in title.group(1).lower(), "titles stay neutral"


def test_an_unsupported_language_gets_a_clear_page_with_the_ones_there_are(world: TipWorld) -> None:
    response = Client().get("/t/sodermalm/xx/tipsa/")
    assert response.status_code == 404
    html = response.content.decode()
    for code in LANGUAGES:
        assert f'href="/t/sodermalm/{code}/"' in html
    _assert_private(response, "unsupported")


def test_an_unknown_unit_is_missing(world: TipWorld) -> None:
    assert Client().get("/t/ingen-sadan/sv/").status_code == 404


def test_a_post_without_the_form_token_saves_nothing_and_says_so(world: TipWorld) -> None:
    before = Tip.objects.count()
    response = Client().post("/t/sodermalm/sv/kontakt/", {"phone": "070-174 06 61"})
    assert response.status_code == 403
    assert "expired" in response.content.decode() or "gått ut" in response.content.decode()
    assert Tip.objects.count() == before


def test_an_oversized_field_is_refused_beside_the_field_and_nothing_is_kept(
    world: TipWorld,
) -> None:
    visitor = Visitor()
    visitor.get("tipsa/")
    visitor.post("tipsa/", {"step": 1, "danger_now": "no"})
    response = visitor.post("tipsa/", {"step": 2, "what_happened": "x" * 5001})
    assert response.status_code == 422
    html = response.content.decode()
    assert "error-summary" in html and 'id="id_what_happened_error"' in html
    assert "Skrik" not in html
    draft = Draft.objects.get()
    assert draft.step == 2 and "xxxx" not in draft.data


def test_an_empty_tip_is_refused_with_a_message(world: TipWorld) -> None:
    visitor = Visitor()
    visitor.get("tipsa/")
    visitor.post("tipsa/", {"step": 1, "danger_now": "no"})
    response = visitor.post("tipsa/", {"step": 2, "what_happened": "  "})
    assert response.status_code == 422


def test_someone_in_danger_is_sent_to_112_first_and_may_continue(world: TipWorld) -> None:
    visitor = Visitor()
    visitor.get("tipsa/")
    response = visitor.post("tipsa/", {"step": 1, "danger_now": "yes"})
    assert 'href="tel:112"' in response.content.decode()
    onward = visitor.post("tipsa/", {"step": 1, "danger_now": "yes", "go": "continue"})
    assert 'name="what_happened"' in onward.content.decode()


def test_a_double_click_or_replay_of_the_send_makes_one_tip_and_one_receipt(
    world: TipWorld,
) -> None:
    visitor = Visitor()
    visitor.send_tip()
    before = Tip.objects.count()
    code = visitor.receipt_code()
    # The same send again (the browser's second click or a replay): no second tip, same code.
    visitor.post("tipsa/", {"step": 5, "go": "next"})
    again = visitor.client.post(
        "/t/sodermalm/sv/tipsa/", {"form_token": visitor.token, "step": 5, "go": "next"}
    )
    assert again.status_code in (200, 302)
    assert Tip.objects.count() == before
    assert visitor.receipt_code() == code


def test_the_honeypot_is_answered_politely_and_nothing_is_saved(world: TipWorld) -> None:
    before = Tip.objects.count()
    visitor = Visitor()
    visitor.get("kontakt/")
    response = visitor.post(
        "kontakt/",
        {
            "phone": "070-174 06 61",
            "others_read_phone": "no",
            "voicemail_ok": "no",
            "sms_ok": "no",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 302
    assert Tip.objects.count() == before


def test_sends_are_limited_per_session_without_keeping_anything(world: TipWorld, settings) -> None:
    visitor = Visitor()
    statuses = []
    for _ in range(7):
        visitor.get("kontakt/")
        response = visitor.post(
            "kontakt/",
            {
                "phone": "070-174 06 61",
                "others_read_phone": "no",
                "voicemail_ok": "no",
                "sms_ok": "no",
            },
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [302] * 5 and statuses[5:] == [429, 429]


def test_code_attempts_are_limited(world: TipWorld) -> None:
    visitor = Visitor()
    visitor.get("svar/")
    statuses = [visitor.post("svar/", {"code": "9" * 28}).status_code for _ in range(7)]
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429, 429]
    # Even the right code waits once the limit is used up: guessing gains nothing.
    assert visitor.post("svar/", {"code": world.code}).status_code == 429


def test_a_reply_that_quotes_the_code_is_refused(world: TipWorld) -> None:
    visitor = Visitor()
    visitor.get("svar/")
    visitor.post("svar/", {"code": world.code})
    response = visitor.post("svar/samtal/", {"body": f"Min kod är {world.code}"})
    assert response.status_code == 422
    assert not world.tip.messages.exists()


def test_the_tipster_can_delete_their_own_answer_but_not_the_units(world: TipWorld) -> None:
    from igor.tips import actions

    question = actions.reply_to_tipster(actor=world.p.triage_a, tip=world.tip, body="Fråga?")
    visitor = Visitor()
    visitor.get("svar/")
    visitor.post("svar/", {"code": world.code})
    visitor.get("svar/samtal/")
    visitor.post("svar/samtal/", {"body": "Mitt svar"})
    answer = world.tip.messages.get(from_unit=False)
    visitor.get("svar/samtal/")
    visitor.post(f"svar/samtal/{question.pk}/radera/", {})
    visitor.post(f"svar/samtal/{answer.pk}/radera/", {})
    assert list(world.tip.messages.values_list("pk", flat=True)) == [question.pk]


def test_a_draft_left_too_long_expires_with_a_clear_message(world: TipWorld) -> None:
    import datetime

    import time_machine
    from django.utils import timezone

    before = Tip.objects.count()
    visitor = Visitor()
    visitor.get("tipsa/")
    visitor.post("tipsa/", {"step": 1, "danger_now": "no"})
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        response = visitor.post("tipsa/", {"step": 2, "what_happened": "Sent"})
    assert response.status_code in (403, 410)
    # Nobody can use it any more; the next purge (at most a minute away, and daily) removes it.
    from igor.tips.session import purge_expired

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        purge_expired()
    assert Draft.objects.count() == 0
    assert Tip.objects.count() == before


def test_a_draft_is_read_with_its_line_and_only_on_its_own_line(world: TipWorld) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    visitor = Visitor()
    visitor.get("tipsa/")
    visitor.post("tipsa/", {"step": 1, "danger_now": "no"})
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get("tipsa/")
    assert 'name="step" value="2"' in response.content.decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and ("tips_draft" in q["sql"] or "tips_tipline" in q["sql"])
    ]
    assert len(reads) == 1
    # Another unit's line does not find this session's draft: start again; the draft stays.
    elsewhere = Visitor(slug="norrmalm")
    elsewhere.client = visitor.client
    response = elsewhere.get("tipsa/")
    assert 'name="step"' not in response.content.decode()
    assert "/t/norrmalm/sv/tipsa/" in response.content.decode()
    assert Draft.objects.count() == 1
