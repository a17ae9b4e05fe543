"""Staff sessions: 15 minutes idle, 12 hours absolute, logout and deactivation end them all."""

from __future__ import annotations

import datetime
import re

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from igor.accounts.actions import deactivate_user
from igor.accounts.models import User, UserSession
from igor.audit.models import AuditEvent
from tests.login_steps import START, code_at, code_step, english_client, password_step
from tests.personas import PASSWORD, Personas, logged_in

MINUTE = 60


def _log_in(user: User, moment: datetime.datetime, client: Client | None = None) -> Client:
    """The real two steps, at `moment` (the caller has frozen the clock there)."""
    client = client or english_client()
    assert password_step(client, user.username, PASSWORD).status_code == 302
    assert code_step(client, code_at(user, moment.timestamp())).status_code == 302
    assert client.get("/").status_code == 200
    return client


def _is_sent_to_login(client: Client, path: str = "/arenden/") -> bool:
    response = client.get(path)
    return response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")


def test_it_keeps_a_session_alive_while_it_is_used(personas: Personas) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _log_in(personas.police_a, START)
        for _ in range(4):
            clock.shift(14 * MINUTE)
            assert client.get("/arenden/").status_code == 200


def test_it_ends_a_session_after_15_minutes_without_activity(personas: Personas) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _log_in(personas.police_a, START)
        clock.shift(16 * MINUTE)
        assert _is_sent_to_login(client)
        assert _is_sent_to_login(client, "/")


def test_it_lets_the_stay_logged_in_button_renew_the_idle_time(personas: Personas) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _log_in(personas.police_a, START)
        clock.shift(13 * MINUTE)
        assert client.get("/konto/session/").status_code == 204
        clock.shift(13 * MINUTE)
        assert client.get("/arenden/").status_code == 200


def test_it_ends_an_active_session_12_hours_after_login(personas: Personas) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _log_in(personas.social_a, START)
        elapsed = 0
        while elapsed + 14 * MINUTE < 12 * 60 * MINUTE:
            clock.shift(14 * MINUTE)
            elapsed += 14 * MINUTE
            assert client.get("/arenden/").status_code == 200, f"ended after {elapsed} s"
        clock.shift(12 * 60 * MINUTE - elapsed + 1)
        assert _is_sent_to_login(client)
        assert _is_sent_to_login(client, "/")


def test_it_ends_every_session_of_the_user_at_logout(personas: Personas) -> None:
    user = personas.police_a
    with time_machine.travel(START, tick=False) as clock:
        desk = _log_in(user, START)
        clock.shift(30)
        laptop = _log_in(user, START + datetime.timedelta(seconds=30))
        other = _log_in(personas.social_a, START + datetime.timedelta(seconds=30))
        assert UserSession.objects.filter(user=user).count() == 2
        old_key = desk.cookies[settings.SESSION_COOKIE_NAME].value
        response = desk.post("/konto/logga-ut/")
        assert (response.status_code, response["Location"]) == (302, "/konto/logga-in/")
        assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
        assert _is_sent_to_login(desk)
        assert _is_sent_to_login(laptop)
        assert other.get("/arenden/").status_code == 200
        replay = english_client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
        assert _is_sent_to_login(replay)
    assert not UserSession.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(verb="logout", actor=user).count() == 1


def test_it_refuses_logout_by_get(personas: Personas) -> None:
    with time_machine.travel(START, tick=False):
        client = _log_in(personas.police_a, START)
        assert client.get("/konto/logga-ut/").status_code == 405
        assert client.get("/arenden/").status_code == 200


def test_it_ends_every_session_when_an_account_is_deactivated(personas: Personas) -> None:
    user = personas.police_b
    with time_machine.travel(START, tick=False) as clock:
        desk = _log_in(user, START)
        clock.shift(30)
        laptop = _log_in(user, START + datetime.timedelta(seconds=30))
        deactivate_user(actor=personas.admin, user=user)
        assert _is_sent_to_login(desk)
        assert _is_sent_to_login(laptop)
        again = english_client()
        assert password_step(again, user.username, PASSWORD).status_code == 200
        assert "_auth_user_id" not in again.session
    assert not Session.objects.filter(
        session_key__in=UserSession.objects.filter(user=user).values("session_key")
    ).exists()
    assert not UserSession.objects.filter(user=user).exists()


def test_it_gives_a_new_session_key_at_each_login_step(personas: Personas) -> None:
    client = english_client()
    planted = client.session
    planted["planted"] = True
    planted.save()
    assert planted.session_key is not None
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    with time_machine.travel(START, tick=False):
        password_step(client, personas.police_a.username, PASSWORD)
        after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
        code_step(client, code_at(personas.police_a, START.timestamp()))
        after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert client.get("/").status_code == 200
    assert len({planted.session_key, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key=after_password).exists()
    assert UserSession.objects.get(user=personas.police_a).session_key == after_code
    assert not Session.objects.filter(session_key=planted.session_key).exists()


def test_it_warns_before_the_session_ends_on_staff_pages(personas: Personas) -> None:
    with time_machine.travel(START, tick=False):
        client = _log_in(personas.lead_a, START)
        for path in ("/", "/arenden/", "/personer/", "/logg/"):
            page = client.get(path).content.decode()
            assert 'data-idle-seconds="900"' in page, path
            assert "You will soon be logged out" in page, path
            warning = re.search(r"<(\w+)[^>]*class=\"session-warning\"[^>]*>", page)
            assert warning is not None, path
            tag = warning.group(0)
            shown_later = " hidden" in tag or (warning.group(1) == "dialog" and " open" not in tag)
            assert shown_later, f"{path}: the warning must stay hidden until it is due"
            assert 'role="alertdialog"' in tag, path


def test_it_shows_staff_pages_in_swedish_to_staff_who_chose_arabic_on_a_public_page(
    personas: Personas,
) -> None:
    client = logged_in(personas.police_a)
    client.cookies["django_language"] = "ar"
    page = client.get("/arenden/")
    assert page.status_code == 200
    assert '<html lang="sv"' in page.content.decode()
    public = Client()
    public.cookies["django_language"] = "ar"
    assert '<html lang="ar" dir="rtl"' in public.get("/konto/logga-in/").content.decode()
