"""`igor token create USERNAME [--name NAME] [--days N]`."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from igor.accounts.models import ApiToken
from igor.api.tests.conftest import Api
from igor.audit.models import AuditEvent
from tests.personas import Personas


def _create(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_it_prints_a_working_secret_once_and_keeps_only_its_hash(
    api: Api, personas: Personas
) -> None:
    secret, note = _create("soc.sodermalm", "--name", "Verksamhetssystem", "--days", "30")

    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash(secret) != secret
    assert secret not in str(list(ApiToken.objects.values()))
    assert (token.user, token.name) == (personas.social_a, "Verksamhetssystem")
    remaining = token.expires_at - timezone.now()
    assert datetime.timedelta(days=29) < remaining <= datetime.timedelta(days=30)
    assert secret not in note and token.prefix in note
    event = AuditEvent.objects.get(verb="token")
    assert (event.object_id, event.data) == (token.pk, {"user": personas.social_a.pk, "days": 30})
    assert api.get("/api/v1/cases", token=secret).status_code == 200


def test_it_defaults_to_ninety_days(personas: Personas) -> None:
    _create("polis.sodermalm")
    token = ApiToken.objects.get()
    assert token.name == "API"
    assert token.expires_at - timezone.now() > datetime.timedelta(days=89)


@pytest.mark.parametrize("username", ["nobody", "forskare", "admin"])
def test_it_refuses_unknown_users_and_roles_without_the_api(
    personas: Personas, username: str
) -> None:
    with pytest.raises(CommandError):
        _create(username)
    assert not ApiToken.objects.exists()


def test_it_refuses_a_deactivated_user(personas: Personas) -> None:
    personas.police_a.is_active = False
    personas.police_a.save()
    with pytest.raises(CommandError):
        _create("polis.sodermalm")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "args",
    [["--days", "0"], ["--days", "366"], ["--days", "x"], ["--name", ""], ["--name", "n" * 101]],
)
def test_it_refuses_bad_options(personas: Personas, args: list[str]) -> None:
    with pytest.raises(CommandError):
        _create("polis.sodermalm", *args)
    assert not ApiToken.objects.exists()
