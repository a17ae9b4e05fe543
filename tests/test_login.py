"""Staff login: password, then a TOTP code that works once in its own 30-second step."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.audit.models import AuditEvent
from tests.login_steps import (
    OTHER_IP,
    START,
    code_at,
    code_step,
    english_client,
    password_step,
)
from tests.personas import PASSWORD, Personas, logged_in

NOW = START.timestamp()


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


def test_it_logs_in_with_the_password_and_then_a_totp_code(personas: Personas) -> None:
    user = personas.police_a
    client = english_client()
    with time_machine.travel(START, tick=False):
        assert client.get("/konto/logga-in/").status_code == 200
        first = password_step(client, user.username, PASSWORD)
        assert first.status_code == 302 and first["Location"] == "/konto/verifiera/"
        second = code_step(client, code_at(user, NOW))
        assert second.status_code == 302 and second["Location"] == "/"
        assert client.get("/").status_code == 200
    [event] = _events("login")
    assert event.actor_id == user.pk and event.object_id == user.pk


def test_it_refuses_a_code_used_a_second_time_in_the_same_step(personas: Personas) -> None:
    user = personas.social_a
    with time_machine.travel(START, tick=False) as clock:
        code = code_at(user, NOW)
        first = english_client()
        password_step(first, user.username, PASSWORD)
        assert code_step(first, code).status_code == 302
        clock.shift(10)  # still the same 30-second step
        second = english_client()
        password_step(second, user.username, PASSWORD)
        replay = code_step(second, code)
        assert replay.status_code == 200
        assert "The code is wrong or already used" in replay.content.decode()
        assert second.get("/arenden/")["Location"] == "/konto/verifiera/"
    [failed] = _events("login_failed")
    assert failed.actor_id == user.pk and failed.purpose == "failed code"
    assert len(_events("login")) == 1


@pytest.mark.parametrize("offset", [-30, 30], ids=["previous", "next"])
def test_it_refuses_a_code_from_another_step(personas: Personas, offset: int) -> None:
    user = personas.police_b
    client = english_client()
    with time_machine.travel(START, tick=False):
        password_step(client, user.username, PASSWORD)
        response = code_step(client, code_at(user, NOW + offset))
        assert response.status_code == 200
        assert client.get("/")["Location"] == "/konto/verifiera/"
    assert _events("login") == []


def test_it_accepts_a_fresh_code_in_the_next_step_after_a_login(personas: Personas) -> None:
    user = personas.lead_a
    with time_machine.travel(START, tick=False) as clock:
        first = english_client()
        password_step(first, user.username, PASSWORD)
        assert code_step(first, code_at(user, NOW)).status_code == 302
        clock.shift(30)
        second = english_client()
        password_step(second, user.username, PASSWORD)
        assert code_step(second, code_at(user, NOW + 30)).status_code == 302
    assert len(_events("login")) == 2


@pytest.mark.parametrize("username", ["polis.sodermalm", "nobody.here"])
def test_it_gives_the_same_generic_error_for_a_wrong_password_or_unknown_user(
    personas: Personas, username: str
) -> None:
    client = english_client()
    response = password_step(client, username, "wrong password that is long enough")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The username or password is wrong." in page
    assert "error-summary" in page
    assert "_auth_user_id" not in client.session
    [failed] = _events("login_failed")
    assert failed.actor_label == username and failed.purpose == "failed password"
    assert failed.actor_id is None


def test_it_sends_an_anonymous_visitor_of_a_private_page_to_the_login(db: None) -> None:
    response = english_client().get("/arenden/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/?next=%2Farenden%2F"


def test_it_sends_a_password_only_session_to_the_code_step(personas: Personas) -> None:
    client = english_client()
    password_step(client, personas.police_a.username, PASSWORD)
    for path in ("/", "/arenden/", "/personer/", "/logg/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/konto/verifiera/")


def test_it_returns_to_the_requested_local_page_after_login(personas: Personas) -> None:
    user = personas.police_a
    client = english_client()
    with time_machine.travel(START, tick=False):
        password_step(client, user.username, PASSWORD, next_url="/arenden/")
        response = code_step(client, code_at(user, NOW))
    assert response["Location"] == "/arenden/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil.example"],
)
def test_it_refuses_to_send_the_user_to_another_site_after_login(
    personas: Personas, target: str
) -> None:
    user = personas.police_a
    client = english_client()
    with time_machine.travel(START, tick=False):
        password_step(client, user.username, PASSWORD, next_url=target)
        response = code_step(client, code_at(user, NOW))
    assert response.status_code == 302 and response["Location"] == "/"


def test_it_refuses_to_send_the_user_to_another_site_after_changing_the_acting_role(
    personas: Personas,
) -> None:
    client = logged_in(personas.police_a, english_client())
    for target in ("https://evil.example/", "//evil.example/"):
        response = client.post("/konto/roll/", {"acting_role": "support", "next": target})
        assert (response.status_code, response["Location"]) == (302, "/")
    local = client.post("/konto/roll/", {"acting_role": "support", "next": "/arenden/"})
    assert local["Location"] == "/arenden/"


def test_it_checks_the_password_exactly_as_typed(personas: Personas) -> None:
    user = personas.social_b
    typed = " " + ("ett långt lösenord " * 7)[:126] + "!"
    assert len(typed) == 128
    user.set_password(typed)
    user.save()
    for wrong in (typed[:-1] + "?", typed.strip(), typed.upper(), typed[:127]):
        response = password_step(english_client(), user.username, wrong)
        assert response.status_code == 200, repr(wrong)
    assert password_step(english_client(), user.username, typed).status_code == 302


def test_it_hashes_passwords_with_argon2id(personas: Personas) -> None:
    personas.police_a.refresh_from_db()
    assert personas.police_a.password.startswith("argon2$argon2id$")
    assert personas.police_a.check_password(PASSWORD)


@pytest.mark.parametrize("length", [15, 64, 128])
def test_it_accepts_passwords_from_15_to_128_characters(length: int) -> None:
    validate_password(("vinter ljus " * 20)[:length])


@pytest.mark.parametrize("length", [14, 129])
def test_it_refuses_passwords_shorter_than_15_or_longer_than_128(length: int) -> None:
    with pytest.raises(ValidationError):
        validate_password(("vinter ljus " * 20)[:length])


def test_it_sets_no_composition_rules_for_a_lowercase_passphrase() -> None:
    validate_password("blåbär i skogen vid sjön")
    validate_password("ettlangtordutansiffror")


WRONG = "not the password but long enough"


def _fail_five_times(client_ip: str, username: str) -> list[int]:
    client = english_client()
    return [password_step(client, username, WRONG, ip=client_ip).status_code for _ in range(5)]


def test_it_pauses_logins_for_a_username_and_ip_after_five_failures(personas: Personas) -> None:
    user = personas.police_a
    with time_machine.travel(START, tick=False):
        statuses = _fail_five_times("127.0.0.1", user.username)
        assert statuses[:4] == [200, 200, 200, 200]
        client = english_client()
        refused = password_step(client, user.username, PASSWORD)
        assert refused.status_code == 429
        assert "Too many failed attempts" in refused.content.decode()
        assert "_auth_user_id" not in client.session
        spoofed = english_client().post(
            "/konto/logga-in/",
            {"username": user.username, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=OTHER_IP,
        )
        assert spoofed.status_code == 429


def test_it_lets_the_real_user_log_in_from_another_ip_during_a_lockout(
    personas: Personas,
) -> None:
    user = personas.police_a
    with time_machine.travel(START, tick=False):
        _fail_five_times("127.0.0.1", user.username)
        client = english_client()
        response = password_step(client, user.username, PASSWORD, ip=OTHER_IP)
        assert (response.status_code, response["Location"]) == (302, "/konto/verifiera/")
        colleague = password_step(english_client(), personas.social_a.username, PASSWORD)
        assert colleague.status_code == 302


def test_it_lifts_the_lockout_15_minutes_after_the_fifth_failure_despite_tries_meanwhile(
    personas: Personas,
) -> None:
    user = personas.police_a
    with time_machine.travel(START, tick=False) as clock:
        _fail_five_times("127.0.0.1", user.username)
        clock.shift(14 * 60)
        assert password_step(english_client(), user.username, PASSWORD).status_code == 429
        clock.shift(60 + 1)
        client = english_client()
        response = password_step(client, user.username, PASSWORD)
        assert (response.status_code, response["Location"]) == (302, "/konto/verifiera/")
        assert code_step(client, code_at(user, NOW + 15 * 60 + 1)).status_code == 302


def test_it_does_not_let_a_password_alone_enrol_an_authenticator(personas: Personas) -> None:
    user = personas.social_b
    TOTPDevice.objects.filter(user=user).delete()
    client = english_client()
    password_step(client, user.username, PASSWORD)
    page = client.get("/konto/verifiera/").content.decode()
    assert "no authenticator yet" in page and "<svg" not in page
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/arenden/")["Location"] == "/konto/verifiera/"


def test_it_confirms_a_key_issued_by_an_administrator_with_its_first_code(
    personas: Personas,
) -> None:
    user = personas.social_b
    issued = logged_in(personas.admin).post(f"/konto/personal/{user.pk}/autentiserare/")
    assert issued.status_code == 200 and "<svg" in issued.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    client = english_client()
    with time_machine.travel(START, tick=False):
        password_step(client, user.username, PASSWORD)
        assert code_step(client, code_at(user, NOW)).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        verb="update", object_id=user.pk, purpose="issue authenticator"
    ).exists()


def test_it_refuses_key_issuing_to_anyone_but_an_administrator(personas: Personas) -> None:
    target = personas.social_b
    for member in (personas.lead_a, personas.police_a, personas.researcher):
        response = logged_in(member).post(f"/konto/personal/{target.pk}/autentiserare/")
        assert response.status_code == 403
    assert TOTPDevice.objects.get(user=target).confirmed


def test_it_slows_down_guessing_of_codes(personas: Personas) -> None:
    user = personas.police_a
    client = english_client()
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, user.username, PASSWORD)
        wrong = "000000" if code_at(user, NOW) != "000000" else "111111"
        assert code_step(client, wrong).status_code == 200
        refused = code_step(client, code_at(user, NOW))  # right code, but too soon after a miss
        assert refused.status_code == 200
        clock.shift(30)
        assert code_step(client, code_at(user, NOW + 30)).status_code == 302
