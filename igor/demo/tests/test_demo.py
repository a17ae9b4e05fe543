from __future__ import annotations

import base64
import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.models import User
from igor.audit.models import AuditEvent
from igor.audit.record import verify
from igor.cases.models import Case, Incident, JournalEntry, Party
from igor.demo import identities
from igor.demo.generator import generate
from igor.demo.users import DEMO_PASSWORD, base32_secret, totp_key
from igor.lib.identity import IdentityKind, InvalidIdentityNumber, normalise
from igor.people.models import Person
from igor.sharing.models import SharingBasis
from tests.personas import Personas, logged_in

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)


def _persons_of_a_run(seed: int) -> list[Any]:
    with transaction.atomic():
        generate(persons=60, seed=seed, now=NOW)
        rows = list(
            Person.objects.order_by("id").values_list(
                "first_name", "last_name", "identity_kind", "identity_number", "birth_date"
            )
        )
        transaction.set_rollback(True)
    return rows


def test_it_generates_the_same_persons_for_the_same_seed(personas: Personas) -> None:
    first, again, other = _persons_of_a_run(7), _persons_of_a_run(7), _persons_of_a_run(8)
    assert len(first) == 60
    assert first == again
    assert first != other


def test_it_uses_only_skatteverket_test_numbers_or_numbers_that_cannot_be_personnummer(
    personas: Personas,
) -> None:
    generate(persons=600, seed=1, now=NOW)
    allowed = set(identities.test_numbers())
    per_organisation: Counter[tuple[int, str]] = Counter()
    for org, kind, number in Person.objects.values_list(
        "organisation_id", "identity_kind", "identity_number"
    ):
        if kind == IdentityKind.PERSONNUMMER:
            assert number in allowed
            per_organisation[org, number] += 1
        elif kind == IdentityKind.RESERVNUMMER:
            assert normalise(IdentityKind.RESERVNUMMER, number) == number
            for other_kind in (IdentityKind.PERSONNUMMER, IdentityKind.SAMORDNINGSNUMMER):
                with pytest.raises(InvalidIdentityNumber):
                    normalise(other_kind, number)
        else:
            assert (kind, number) == (IdentityKind.NONE, "")
    assert per_organisation, "some persons get a test number"
    assert max(per_organisation.values()) == 1, "a number repeats within an organisation"


def test_it_loads_a_few_thousand_valid_test_numbers_of_adults_and_children() -> None:
    numbers = identities.test_numbers()
    years = {int(n[:4]) for n in numbers}
    assert len(numbers) >= 2500
    assert len(set(numbers)) == len(numbers)
    assert min(years) <= 1960 and max(years) >= 2015


def test_it_creates_roughly_the_amounts_asked_for(personas: Personas) -> None:
    counts = generate(persons=600, seed=2, now=NOW)
    assert Person.objects.count() == counts.persons == 600
    assert Party.objects.count() == 600  # every person is a party to one case
    cases = Case.objects.count()
    assert 150 <= cases <= 260
    assert Incident.objects.count() >= 2 * cases
    assert JournalEntry.objects.count() >= 2 * cases
    assert JournalEntry.objects.exclude(corrects=None).exists()
    assert 6 <= Person.objects.exclude(protection="").count() <= 60
    assert Incident.objects.filter(police_report_number__regex=r"^K\d{6}-\d{2}$").exists()
    assert {(c.organisation_id, c.unit_id) for c in Case.objects.all()} == {
        (personas.police_org_a.pk, personas.unit_a.pk),
        (personas.social_org_a.pk, personas.unit_a.pk),
        (personas.police_org_b.pk, personas.unit_b.pk),
        (personas.social_org_b.pk, personas.unit_b.pk),
    }
    bases = SharingBasis.objects.all()
    assert bases.active_at(NOW).filter(kind="consent").exists()
    assert bases.active_at(NOW).filter(kind="statutory").exists()
    assert bases.exclude(withdrawn_at=None).exists()
    assert bases.filter(valid_until__lt=NOW).exists()
    assert not Incident.objects.filter(occurred_at__gt=NOW).exists()


def test_it_records_the_import_as_one_audit_event_and_keeps_the_chain_intact(
    personas: Personas,
) -> None:
    before = AuditEvent.objects.count()
    generate(persons=60, seed=1, now=NOW)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(object_type="demo_data")
    assert (event.verb, event.data["persons"], event.data["seed"]) == ("create", 60, 1)
    assert verify() == []


def test_it_refuses_demo_users_with_a_known_password_without_demo_mode(db: None) -> None:
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", persons=10, seed=1)
    assert not User.objects.exists()
    assert not Person.objects.exists()


def test_it_adds_data_without_demo_users_when_asked(db: None) -> None:
    call_command("demo", persons=20, seed=1, no_users=True, stdout=StringIO())
    assert Person.objects.count() == 20
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert not TOTPDevice.objects.exists()


def test_it_creates_demo_users_with_the_password_and_fixed_totp_keys(
    db: None, settings: Any
) -> None:
    settings.DEMO_MODE = True
    call_command("demo", persons=20, seed=1, stdout=StringIO())
    user = User.objects.get(username="polis.sodermalm")
    assert user.check_password(DEMO_PASSWORD)
    device = TOTPDevice.objects.get(user=user)
    assert (device.key, device.confirmed) == (totp_key("polis.sodermalm"), True)
    encoded = base32_secret("polis.sodermalm")
    secret = base64.b32decode(encoded + "=" * (-len(encoded) % 8))
    assert device.verify_token(f"{totp(secret, t0=0, step=30, digits=6):06d}")
    assert totp_key("polis.sodermalm") != totp_key("soc.sodermalm")


def test_it_does_nothing_with_if_empty_when_persons_exist(db: None) -> None:
    call_command("demo", persons=15, seed=1, no_users=True, stdout=StringIO())
    call_command("demo", persons=15, seed=2, no_users=True, if_empty=True, stdout=StringIO())
    assert Person.objects.count() == 15


def test_it_prints_the_demo_logins_only_in_demo_mode(db: None, settings: Any) -> None:
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_logins", stdout=StringIO())
    settings.DEMO_MODE = True
    call_command("demo", persons=5, seed=1, stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert base32_secret("chef.norrmalm") in text
    assert "otpauth://totp/" in text


def test_it_generates_cases_the_pages_can_show(personas: Personas) -> None:
    generate(persons=60, seed=1, now=NOW)
    client = logged_in(personas.police_a)
    case = Case.objects.filter(organisation=personas.police_org_a).first()
    assert case is not None
    assert client.get("/arenden/").status_code == 200
    response = client.get(f"/arenden/{case.pk}/")
    assert response.status_code == 200
    assert case.title in response.content.decode()


def _query_count(send: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert send().status_code == 200
    return len(queries)


def test_it_serves_the_benchmarked_pages_with_a_number_of_queries_independent_of_the_data(
    personas: Personas,
) -> None:
    generate(persons=60, seed=1, now=NOW)
    client = logged_in(personas.police_a)
    own = Case.objects.filter(organisation=personas.police_org_a, unit=personas.unit_a)
    by_size = sorted(own, key=lambda case: (case.parties.count(), case.incidents.count()))
    name = Person.objects.filter(organisation=personas.police_org_a).first()
    assert name is not None

    def pages() -> list[int]:
        return [
            _query_count(lambda: client.get("/arenden/")),
            _query_count(lambda: client.post("/personer/", {"q": name.last_name})),
        ]

    small = pages()
    case_pages = {_query_count(lambda c=c: client.get(f"/arenden/{c.pk}/")) for c in by_size}
    assert len(case_pages) == 1, "a case page's query count depends on its parties or incidents"
    generate(persons=400, seed=2, now=NOW)  # more rows, more bases received
    assert pages() == small


def test_it_shows_each_sharing_workflow_written_through_the_actions(personas: Personas) -> None:
    from igor.demo.sharing import add_sharing_showcase
    from igor.sharing.models import ReportOfConcern, SignedConsentForm

    generate(persons=400, seed=3, now=NOW)
    add_sharing_showcase()
    written = SharingBasis.objects.get(kind="consent", consent_form="written")
    assert SignedConsentForm.objects.get(basis=written).content_type == "application/pdf"
    assert {"risk_assessment", "support"} <= set(written.category_keys())
    assert SharingBasis.objects.filter(approval="pending", ground="osl_10_18c").exists()
    assert set(ReportOfConcern.objects.values_list("status", flat=True)) == {
        "draft",
        "sent",
        "received",
    }
    add_sharing_showcase()  # idempotent
    assert SharingBasis.objects.filter(kind="consent", consent_form="written").count() == 1
    assert verify() == []


def test_its_figures_summaries_match_the_rows_it_wrote(db: None) -> None:
    """The demo writes in bulk, past the signals, so it rebuilds the figures' daily summaries."""
    from igor.stats import summaries
    from igor.stats.models import DailyCount

    call_command("demo", persons=60, seed=3, no_users=True, stdout=StringIO())
    assert DailyCount.objects.filter(source=summaries.OPENED).exists()
    assert summaries.differences() == []
    out = StringIO()
    call_command("stats_verify", stdout=out)
    assert "match the rows" in out.getvalue()
