"""Finding known persons, duplicates and repeat perpetrators on a real database, through the
access policy."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from igor.audit.models import AuditEvent
from igor.cases.actions import add_party
from igor.cases.models import Party
from igor.people import actions
from igor.people.matching import candidate_ids, candidate_profiles, find_candidates, record_of
from igor.people.models import DuplicatePair, Person, RepeatAlert
from igor.people.scoring import make_record
from igor.sharing import actions as sharing
from tests.builders import identity_number, make_case, make_person
from tests.personas import Personas, logged_in

pytestmark = pytest.mark.django_db


def _known(personas: Personas, **details: object) -> Person:
    fields: dict[str, object] = {
        "first_name": "Johan",
        "last_name": "Ek",
        "birth_date": None,
        "street_address": "Ringvägen 12",
    }
    fields.update(details)
    return make_person(personas.police_a, **fields)


def test_a_tip_naming_a_first_name_and_address_finds_the_known_person(personas: Personas) -> None:
    known = _known(personas)
    make_person(personas.police_a, first_name="Lena", last_name="Ek")
    found = find_candidates(personas.police_a, make_record(full_name="Johan", street="Ringv. 12"))
    assert [c.person.pk for c in found.found] == [known.pk]
    assert found.found[0].result.match_class == "probable"


def test_typos_and_a_swapped_birth_date_still_find_the_person(personas: Personas) -> None:
    known = _known(personas, first_name="Mohammed", last_name="Karlsson")
    Person.objects.filter(pk=known.pk).update(birth_date="1885-04-12")
    known.refresh_from_db()
    actions.update_person(actor=personas.police_a, person=known, details={"languages": "arabiska"})
    found = find_candidates(
        personas.police_a,
        make_record(given="Muhammad", surname="Carlson", birth="1885-12-04"),
    )
    assert known.pk in found.ids


def test_a_misspelt_name_is_found_by_trigrams_among_many_similar_names(
    personas: Personas,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram search exists on PostgreSQL; on SQLite the sound keys alone")
    for day in range(1, 61):  # more similar names than the trigram search keeps (50)
        make_person(
            personas.police_a,
            first_name="Anna",
            last_name="Andersson",
            birth_date=datetime.date(1985, 1, 1) + datetime.timedelta(days=day),
        )
    known = make_person(
        personas.police_a,
        first_name="Hanna",
        last_name="Andersson",
        birth_date=datetime.date(1985, 3, 4),
    )
    # No key is shared ("hn|adrsn" against "hn|andrsn"); only the trigram search can find her.
    query = make_record(given="Hannah", surname="Adersson", birth="1985")
    found = find_candidates(personas.police_a, query)
    assert found.ids[:1] == [known.pk]
    assert found.found[0].result.match_class == "possible"


def test_the_trigram_search_runs_only_when_the_keys_find_nobody_to_show(
    personas: Personas,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram search exists on PostgreSQL; on SQLite the sound keys alone")

    known = make_person(
        personas.police_a,
        first_name="Hanna",
        last_name="Andersson",
        birth_date=datetime.date(1985, 3, 4),
    )

    def trigram_searches(given: str, surname: str) -> tuple[list[int], int]:
        with CaptureQueriesContext(connection) as queries:
            record = make_record(given=given, surname=surname, birth="1985")
            found = find_candidates(personas.police_a, record)
        return found.ids, sum("search_name::text %" in q["sql"] for q in queries.captured_queries)

    assert trigram_searches("Hanna", "Andersson") == ([known.pk], 0)  # the name key finds her
    ids, searches = trigram_searches("Hannah", "Adersson")  # no key shared: trigrams find her
    assert (ids[:1], searches) == ([known.pk], 1)


def test_the_other_organisation_never_gets_the_person_only_a_prompt(personas: Personas) -> None:
    number = identity_number("18700101")
    known = make_person(
        personas.police_a,
        first_name="Johan",
        last_name="Ek",
        identity_kind="personnummer",
        identity_number=number,
    )
    query = make_record(given="Johan", surname="Ek", identity=number)
    social = find_candidates(personas.social_a, query)
    assert social.found == [] and social.other_side is True
    other_unit = find_candidates(personas.police_b, query)
    assert other_unit.found == [] and other_unit.other_side is False
    assert find_candidates(personas.researcher, query).found == []
    sharing.record_consent(
        actor=personas.police_a,
        subject=known,
        recipient=personas.social_org_a,
        purpose="support",
        consent_form="oral",
        witness="Sara Holm",
        scope={"covers_person": True},
        valid_until=None,
    )
    assert find_candidates(personas.social_a, query).ids == [known.pk]


def test_a_full_list_still_tells_of_a_probable_match_on_the_other_side(
    personas: Personas,
) -> None:
    """The lookup stops once nobody left can be shown or be a hint: a shorter list is the top of
    the longer one, and a probable match the user may not see, ranked below the shown ones,
    still sets the hint."""
    born = datetime.date(1884, 6, 2)
    own = [
        make_person(
            personas.social_a,
            first_name="Johan",
            last_name="Ek",
            birth_date=born,
            street_address=f"Götgatan {number}",
        )
        for number in (3, 5, 7)
    ]
    make_person(
        personas.police_a,
        first_name="Johan",
        last_name="Ek",
        birth_date=born,
        street_address="Hornsgatan 50",
    )
    query = make_record(given="Johan", surname="Ek", birth=born.isoformat(), street="Götgatan 5")
    everyone = find_candidates(personas.social_a, query)
    assert sorted(everyone.ids) == sorted(person.pk for person in own)
    assert everyone.ids[0] == own[1].pk  # the same address ranks first
    shorter = find_candidates(personas.social_a, query, limit=2)
    assert shorter.ids == everyone.ids[:2]
    assert everyone.other_side is True and shorter.other_side is True
    alone = make_record(given="Johan", surname="Ek", birth=born.isoformat())
    assert find_candidates(personas.police_a, alone, limit=1).other_side is True


def test_registering_shows_candidates_first_and_audits_the_lookup(personas: Personas) -> None:
    known = _known(personas)
    client = logged_in(personas.police_a)
    data = {
        "unit": personas.unit_a.pk,
        "first_name": "Johan",
        "last_name": "Eek",
        "identity_kind": "none",
        "street_address": "Ringvägen 12",
    }
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 200
    assert reverse("people:detail", args=[known.pk]) in response.content.decode()
    assert Person.objects.count() == 1
    event = AuditEvent.objects.filter(verb="match").latest("seq")
    assert event.data["results"] == [known.pk]
    response = client.post(reverse("people:create"), {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def _perpetrator_with_history(personas: Personas) -> tuple[Person, Person]:
    officer = personas.police_a
    him = make_person(officer, first_name="Rolf", last_name="Hård")
    former = make_person(officer, first_name="Eva", last_name="Förr")
    earlier = make_case(officer, "Misshandel 2024")
    add_party(actor=officer, case=earlier, person=him, role="perpetrator")
    add_party(actor=officer, case=earlier, person=former, role="victim")
    return him, former


def test_a_known_perpetrator_in_a_new_case_with_a_new_partner_raises_an_alert(
    personas: Personas,
) -> None:
    officer = personas.police_a
    him, _former = _perpetrator_with_history(personas)
    new_partner = make_person(officer, first_name="Nora", last_name="Ny")
    case = make_case(officer, "Hot mot ny partner")
    add_party(actor=officer, case=case, person=new_partner, role="victim")
    add_party(actor=officer, case=case, person=him, role="perpetrator")
    alert = RepeatAlert.objects.get(case=case)
    assert alert.person == him and alert.new_partner and len(alert.earlier_case_ids) == 1
    assert AuditEvent.objects.filter(verb="create", object_type="repeat_alert").exists()

    page = logged_in(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Known from earlier cases" in page or "Känd från tidigare ärenden" in page
    assert "Misshandel 2024" in page
    alerts = logged_in(officer).get(reverse("people:alerts")).content.decode()
    assert case.reference in alerts

    for stranger in (personas.police_b, personas.social_a):
        assert logged_in(stranger).get(reverse("cases:detail", args=[case.pk])).status_code == 404
        assert (
            case.reference not in logged_in(stranger).get(reverse("people:alerts")).content.decode()
        )


def test_the_other_organisation_learns_only_that_earlier_cases_exist(personas: Personas) -> None:
    number = identity_number("18600101")
    police = make_person(
        personas.police_a,
        first_name="Rolf",
        last_name="Hård",
        identity_kind="personnummer",
        identity_number=number,
    )
    earlier = make_case(personas.police_a, "Polisens ärende")
    add_party(actor=personas.police_a, case=earlier, person=police, role="perpetrator")
    social = make_person(
        personas.social_a,
        first_name="Rolf",
        last_name="Hård",
        identity_kind="personnummer",
        identity_number=number,
    )
    case = make_case(personas.social_a, "Socialtjänstens ärende")
    add_party(actor=personas.social_a, case=case, person=social, role="perpetrator")
    alert = RepeatAlert.objects.get(case=case)
    assert alert.other_side and alert.earlier_case_ids == []
    page = (
        logged_in(personas.social_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    assert "Polisens ärende" not in page


def test_no_alert_for_a_first_time_perpetrator(personas: Personas) -> None:
    officer = personas.police_a
    first_timer = make_person(officer, first_name="Ove", last_name="Först")
    case = make_case(officer)
    add_party(actor=officer, case=case, person=first_timer, role="perpetrator")
    assert not RepeatAlert.objects.exists()


def test_duplicates_merge_and_undo_with_audit(personas: Personas) -> None:
    from igor.people.matching import duplicate_pairs

    officer = personas.police_a
    first = make_person(
        officer, first_name="Anna", last_name="Lind", birth_date=datetime.date(1880, 5, 6)
    )
    second = make_person(
        officer, first_name="Ana", last_name="Lind", birth_date=datetime.date(1880, 5, 6)
    )
    case = make_case(officer)
    party = add_party(actor=officer, case=case, person=second, role="victim")
    found = list(duplicate_pairs(personas.police_org_a.pk, personas.unit_a.pk))
    assert [(a.pk, b.pk) for a, b, _ in found] == [(first.pk, second.pk)]
    actions.store_duplicate_pairs(
        actor=None,
        organisation_id=personas.police_org_a.pk,
        unit_id=personas.unit_a.pk,
        found=found,
        actor_label="igor dedupe",
    )
    pair = DuplicatePair.objects.get()
    client = logged_in(officer)
    assert "Ana" in client.get(reverse("people:duplicates")).content.decode()
    assert (
        logged_in(personas.social_a)
        .post(reverse("people:merge"), {"pair": pair.pk, "survivor": first.pk})
        .status_code
        == 404
    )
    response = client.post(reverse("people:merge"), {"pair": pair.pk, "survivor": "x"})
    assert response.status_code == 422
    response = client.post(reverse("people:merge"), {"pair": pair.pk, "survivor": first.pk})
    assert response.status_code == 302
    assert Party.objects.get(pk=party.pk).person_id == first.pk
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk
    assert AuditEvent.objects.filter(verb="merge", object_type="person").exists()
    assert find_candidates(officer, record_of(first), exclude=[first.pk]).found == []
    merge = actions.PersonMerge.objects.get()
    response = client.post(reverse("people:undo_merge"), {"merge": merge.pk})
    assert response.status_code == 302
    assert Party.objects.get(pk=party.pk).person_id == second.pk
    assert AuditEvent.objects.filter(verb="undo_merge").exists()
    assert DuplicatePair.objects.get().status == "open"


def test_the_lookup_keeps_the_rarest_keys_within_the_cap_and_the_budget(
    personas: Personas,
) -> None:
    """The query "Karin Berg, born 1970-01-01" has four keys. Her surname with the month and
    her given name with the month are shared by one person each (herself), the date by three,
    the name by four (three namesakes born later)."""
    officer = personas.police_a
    karin = make_person(
        officer, first_name="Karin", last_name="Berg", birth_date=datetime.date(1970, 1, 1)
    )
    same_day = [
        make_person(
            officer, first_name="Olof", last_name="Svensson", birth_date=datetime.date(1970, 1, 1)
        )
        for _ in range(2)
    ]
    namesakes = [
        make_person(
            officer, first_name="Karin", last_name="Berg", birth_date=datetime.date(1990, 6, 6)
        )
        for _ in range(3)
    ]
    query = make_record(given="Karin", surname="Berg", birth="1970-01-01")
    units = [officer.units.get().pk]

    def found(cap: int, budget: int) -> set[int]:
        return candidate_ids(query, units, cap=cap, budget=budget)

    everyone = {karin.pk, *(p.pk for p in same_day), *(p.pk for p in namesakes)}
    assert found(cap=10, budget=10) == everyone
    # Without a budget (the model's training, the repeat check), every key within the cap.
    assert candidate_ids(query, units, cap=10) == everyone
    assert candidate_ids(query, units, cap=3) == {karin.pk, *(p.pk for p in same_day)}
    # The name (four persons) is over the cap; the rest fit the budget.
    assert found(cap=3, budget=10) == {karin.pk, *(p.pk for p in same_day)}
    # Within the cap, but the date's three would bring the total to five.
    assert found(cap=3, budget=4) == {karin.pk}
    # The budget drops the commonest keys first, whatever their order in the query.
    assert found(cap=10, budget=5) == {karin.pk, *(p.pk for p in same_day)}
    # The rarest key is kept even when it alone is over the budget.
    by_name = make_record(given="Karin", surname="Berg")
    assert candidate_ids(by_name, units, cap=10, budget=2) == {
        karin.pk,
        *(p.pk for p in namesakes),
    }


def test_a_person_sharing_two_keys_is_a_candidate_beyond_the_budget(personas: Personas) -> None:
    """Query "Karin Berg, born 1970-01-01". Her given name with the month is the rarest key
    (one person, Karin Berg born 1970-01-20); the surname with the month and the date have three
    persons each. Lisa Berg, born on the date, shares both."""
    officer = personas.police_a

    def person(first: str, last: str, born: datetime.date) -> Person:
        return make_person(officer, first_name=first, last_name=last, birth_date=born)

    karin = person("Karin", "Berg", datetime.date(1970, 1, 20))
    lisa = person("Lisa", "Berg", datetime.date(1970, 1, 1))
    same_month = person("Nils", "Berg", datetime.date(1970, 1, 9))
    same_day = [person("Olof", "Svensson", datetime.date(1970, 1, 1)) for _ in range(2)]
    query = make_record(given="Karin", surname="Berg", birth="1970-01-01")
    found = candidate_ids(query, [officer.units.get().pk], cap=10, budget=1)
    assert found == {karin.pk, lisa.pk}
    assert same_month.pk not in found and not {p.pk for p in same_day} & found


def test_a_building_and_a_name_find_the_resident_among_more_than_the_budget(
    personas: Personas,
) -> None:
    """Twelve persons live at Ringvägen 12, more than the budget: "Johan, Ringvägen 12" finds
    Johan by the building with his name alone, where the building's key holds them all. Names
    nobody there has fall back on the building, the rarest key they hit."""
    officer = personas.police_a
    residents = [
        make_person(officer, first_name=first, last_name="Lind", street_address="Ringvägen 12")
        for first in ("Anna", "Bertil", "Cecilia", "David", "Eva", "Filip")
    ]
    residents += [
        make_person(officer, first_name=first, last_name="Holm", street_address="Ringvägen 12")
        for first in ("Gunnar", "Helena", "Ivar", "Maria", "Karl")
    ]
    johan = make_person(officer, first_name="Johan", last_name="Ek", street_address="Ringvägen 12")
    elsewhere = make_person(officer, first_name="Johan", last_name="Ek", street_address="Åsgatan 3")
    units = [officer.units.get().pk]

    def found(**query: str) -> set[int]:
        record = make_record(street="Ringv. 12", **query)
        # By the keys alone: on PostgreSQL a lookup asks the trigram index only when they fail.
        return {row[0] for row in candidate_profiles(record, units, budget=3, by_trigrams=False)}

    assert found(full_name="Johan") == {johan.pk}
    # Johan Ek of Åsgatan shares only the name, a commoner key than the building with a name.
    assert found(full_name="Johan Ek") == {johan.pk}
    assert elsewhere.pk in candidate_ids(make_record(full_name="Johan Ek"), units, budget=3)
    assert found(full_name="Bertil Holm") == {p.pk for p in residents if p.last_name == "Holm"} | {
        residents[1].pk
    }
    assert found(full_name="Sven Ström") == {johan.pk, *(p.pk for p in residents)}


def test_the_lookup_skips_keys_over_its_cap_which_the_repeat_check_reads(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four Karin Bergs born the same day: each of the query's keys holds four persons. (A full
    birth date also keeps PostgreSQL's trigram search out of it.)"""
    officer = personas.police_a
    born = datetime.date(1970, 1, 1)
    namesakes = [
        make_person(officer, first_name="Karin", last_name="Berg", birth_date=born)
        for _ in range(4)
    ]
    monkeypatch.setattr("igor.people.matching.LOOKUP_CAP", 3)
    query = make_record(given="Karin", surname="Berg", birth="1970-01-01")
    assert find_candidates(officer, query).found == []
    assert candidate_ids(query, [officer.units.get().pk]) == {p.pk for p in namesakes}


def test_a_tip_about_her_does_not_suggest_the_man_she_lives_with(personas: Personas) -> None:
    """The unit knows Johan Ek of Ringvägen 12. A tip names Anna Ek at the same address: he is
    shown as a possible match at most, with the reason, never as probable."""
    johan = _known(personas)
    found = find_candidates(
        personas.police_a, make_record(full_name="Anna Ek", street="Ringvägen 12")
    )
    (candidate,) = found.found
    assert candidate.person.pk == johan.pk
    assert candidate.result.match_class == "possible"
    assert "household" in {reason.field for reason in candidate.result.reasons}
