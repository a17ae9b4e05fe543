"""Deterministic demo data in bulk: persons in families, cases, incidents, journals, sharing bases.

The same seed and anchor time give the same rows. Rows are written with bulk_create in one
transaction, bypassing the per-row actions for speed, and the import is recorded as one audit
event in that transaction. Every identity number is a Skatteverket test number or a reserve
number that cannot be a personnummer (see identities.py).
"""

from __future__ import annotations

import datetime
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from faker import Faker

from igor.accounts.models import Organisation, OrganisationKind, Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import (
    Case,
    CaseStatus,
    Incident,
    JournalEntry,
    Party,
    PartyRole,
    Relation,
    RelationKind,
    ViolenceKind,
)
from igor.demo import texts
from igor.demo.bulk import Table
from igor.demo.identities import NumberPool, reserve_number
from igor.lib.identity import IdentityKind, birth_date, normalise_name
from igor.people.models import Gender, Person, Protection
from igor.sharing.grounds import GROUNDS, StatutoryGround
from igor.sharing.models import (
    Approval,
    BasisKind,
    ConsentForm,
    EndReason,
    GivenBy,
    SharingBasis,
)

Progress = Callable[[str], None]
# Raised whenever the same seed would give other rows, so saved benchmark databases are redone.
VERSION = 1
DAY = datetime.timedelta(days=1)
FLUSH_EVERY = 5000  # persons per bulk write: bounded memory, few round trips
MODELS: tuple[type[models.Model], ...] = (
    Person,
    Case,
    Party,
    Relation,
    Incident,
    JournalEntry,
    SharingBasis,
)


@dataclass
class Counts:
    persons: int = 0
    cases: int = 0
    parties: int = 0
    relations: int = 0
    incidents: int = 0
    journal_entries: int = 0
    sharing_bases: int = 0
    protected: int = 0
    personnummer: int = 0


@dataclass
class Org:
    """One organisation in one unit, with the staff who may own its cases."""

    organisation: Organisation
    unit: Unit
    staff: list[User]
    other: Org | None = None


@dataclass
class Member:
    """One person of a family, before being written once per organisation that knows them."""

    role: str
    first_name: str
    last_name: str
    gender: str
    adult: bool
    number: str | None
    born: datetime.date
    language: str
    interpreter: bool
    phone: str
    email: str
    street: str
    postal_code: str
    protected: str


class Tables:
    """Rows waiting for the next bulk write, one table per model."""

    def __init__(self) -> None:
        self.by_model = {model: Table(model) for model in MODELS}

    def __getitem__(self, model: type[models.Model]) -> Table:
        return self.by_model[model]

    def flush(self) -> None:
        for table in self.by_model.values():  # foreign keys are checked at commit
            table.flush()


@dataclass(frozen=True, slots=True)
class CaseRef:
    pk: int
    opened_at: datetime.datetime


class Ids:
    """Primary keys assigned here, so that rows can point at each other before they are saved."""

    def __init__(self) -> None:
        self._next = {
            model: (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1  # type: ignore[attr-defined]
            for model in MODELS
        }

    def take(self, model: type[models.Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class Generator:
    def __init__(self, *, seed: int, now: datetime.datetime, progress: Progress | None) -> None:
        self.rng = random.Random(seed)
        self.now = now.astimezone(datetime.UTC)  # plain arithmetic, cheap conversions
        self.today = now.date()
        self.progress = progress or (lambda message: None)
        self.counts = Counts()
        self.rows = Tables()
        self.ids = Ids()
        fake = Faker("sv_SE")
        fake.seed_instance(seed)
        # Pools drawn once (Faker takes ~0.1 ms a name); combinations give the variety.
        self.women = [fake.first_name_female() for _ in range(600)]
        self.men = [fake.first_name_male() for _ in range(600)]
        self.surnames = [fake.last_name() for _ in range(1000)]
        self.streets = [fake.street_name() for _ in range(300)]
        self.languages = [name for name, _ in texts.LANGUAGES]
        self.language_weights = [weight for _, weight in texts.LANGUAGES]
        self.orgs = self._organisations()
        self.pool = NumberPool(self.rng, self.today, [o.organisation.pk for o in self.orgs])
        for org in self.orgs:
            self.pool.exclude(
                org.organisation.pk,
                Person.objects.filter(
                    organisation=org.organisation, identity_kind=IdentityKind.PERSONNUMMER
                ).values_list("identity_number", flat=True),
            )

    # --- structure -------------------------------------------------------------------------

    def _organisations(self) -> list[Org]:
        orgs: list[Org] = []
        for unit in Unit.objects.select_related("police", "social_services").order_by("name"):
            pair = []
            for organisation in unit.organisations():
                staff = [
                    user
                    for user in User.objects.filter(organisation=organisation, units=unit)
                    .prefetch_related("units")
                    .order_by("username")
                    if user.can(Cap.EDIT_CASE_DATA)
                ]
                if staff:
                    pair.append(Org(organisation, unit, staff))
            if len(pair) == 2:
                pair[0].other, pair[1].other = pair[1], pair[0]
            orgs += pair
        if not orgs:
            raise RuntimeError("No unit has case-working staff: run ensure_structure() first.")
        return orgs

    # --- the run ---------------------------------------------------------------------------

    def run(self, persons: int) -> Counts:
        started = time.monotonic()
        next_report = 0
        while self.counts.persons < persons:
            self._family(persons - self.counts.persons)
            if len(self.rows[Person].rows) >= FLUSH_EVERY:
                self.rows.flush()
            if self.counts.persons >= next_report:
                elapsed = time.monotonic() - started
                self.progress(
                    f"{self.counts.persons:>10,} / {persons:,} persons, "
                    f"{self.counts.cases:,} cases, {elapsed:6.1f} s"
                )
                next_report += max(persons // 20, FLUSH_EVERY)
        self.rows.flush()
        self._reset_sequences()
        analyse()
        return self.counts

    def _reset_sequences(self) -> None:
        # PostgreSQL's sequences do not see explicit ids; SQLite's AUTOINCREMENT does.
        statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # --- one family, known to one organisation or to both ----------------------------------

    def _family(self, room: int) -> None:
        rng = self.rng
        org = rng.choice(self.orgs)
        both = org.other is not None and room >= 2 and rng.random() < 0.15
        members, relation = self._members(org.unit, max(1, room // 2 if both else room))
        known_to = [org, org.other] if both and org.other else [org]
        numbers = self._numbers(members, [o.organisation.pk for o in known_to])
        for each in known_to:
            self._case(each, members, numbers, relation)

    def _members(self, unit: Unit, room: int) -> tuple[list[Member], str]:
        rng = self.rng
        relation = rng.choices(
            [RelationKind.PARTNER, RelationKind.FORMER_PARTNER, RelationKind.CHILD, "other"],
            [45, 35, 12, 8],
        )[0]
        victim_woman = rng.random() < 0.78
        protected = (
            rng.choices(
                [
                    Protection.SKYDDAD_FOLKBOKFORING,
                    Protection.SEKRETESSMARKERING,
                    Protection.STAFF_MARKED,
                ],
                [2, 3, 3],
            )[0]
            if rng.random() < 0.075
            else ""
        )
        family_name = rng.choice(self.surnames)
        victim = self._member(PartyRole.VICTIM, unit, victim_woman, family_name, protected)
        members = [victim]
        if room >= 2:
            perp_woman = (not victim_woman) if rng.random() < 0.9 else victim_woman
            perp_name = (
                family_name
                if relation != RelationKind.FORMER_PARTNER
                else rng.choice(self.surnames)
            )
            perpetrator = self._member(PartyRole.PERPETRATOR, unit, perp_woman, perp_name, "")
            members.append(perpetrator)
        if relation in (RelationKind.PARTNER, RelationKind.FORMER_PARTNER):
            children = rng.choices([0, 1, 2, 3], [35, 30, 25, 10])[0]
            for _ in range(min(children, room - len(members))):
                child = self._member(
                    PartyRole.CHILD, unit, rng.random() < 0.5, family_name, protected, adult=False
                )
                members.append(child)
        return members, relation

    def _member(
        self,
        role: str,
        unit: Unit,
        woman: bool,
        last_name: str,
        protected: str,
        adult: bool = True,
    ) -> Member:
        rng = self.rng
        first = rng.choice(self.women if woman else self.men)
        language = rng.choices(self.languages, self.language_weights)[0]
        low, high = texts.POSTAL_CODES[unit.name]
        postal = f"{rng.randint(low, high):05d}"
        return Member(
            role=role,
            first_name=first,
            last_name=last_name,
            gender=Gender.WOMAN if woman else Gender.MAN,
            adult=adult,
            number=None,
            born=self.today
            - DAY * (rng.randint(18 * 365 + 5, 75 * 365) if adult else rng.randint(30, 17 * 365)),
            language=language,
            interpreter=language != "svenska" and rng.random() < 0.5,
            phone=(
                texts.FICTION_PHONE_PREFIX + f"{rng.choice(texts.FICTION_PHONE_RANGE):02d}"
                if rng.random() < 0.75
                else ""
            ),
            email=(
                f"{_ascii(first)}.{_ascii(last_name)}{rng.randint(1, 99)}@example.com"
                if adult and rng.random() < 0.45
                else ""
            ),
            street=f"{rng.choice(self.streets)} {rng.randint(1, 120)}",
            postal_code=f"{postal[:3]} {postal[3:]}",
            protected=protected,
        )

    def _numbers(self, members: list[Member], organisation_ids: list[int]) -> list[str | None]:
        numbers: list[str | None] = []
        for member in members:
            number = self.pool.take(organisation_ids, member.adult)
            if number is not None:
                member.born = birth_date(IdentityKind.PERSONNUMMER, number) or member.born
            numbers.append(number)
        return numbers

    # --- the case and everything in it -------------------------------------------------------

    def _case(
        self, org: Org, members: list[Member], numbers: list[str | None], relation: str
    ) -> None:
        rng = self.rng
        owner = rng.choice(org.staff)
        opened = self.now - datetime.timedelta(seconds=rng.randint(86_400, 5 * 365 * 86_400))
        age_days = (self.now - opened).days
        status = rng.choices(
            [CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.CLOSED],
            [15, 35, 50] if age_days > 540 else [35, 55, 10],
        )[0]
        closed = (
            min(self.now - DAY, opened + DAY * rng.randint(20, max(21, age_days)))
            if status == CaseStatus.CLOSED
            else None
        )
        case_id = self.ids.take(Case)
        names = self._names(members)
        self.rows[Case].add(
            id=case_id,
            organisation_id=org.organisation.pk,
            unit_id=org.unit.pk,
            reference=f"{opened:%Y}-{case_id:07d}",
            title=f"{rng.choice(texts.CASE_TITLES)} – {members[0].last_name}",
            summary=rng.choice(texts.CASE_SUMMARIES).format(**names),
            status=status,
            owner_id=owner.pk,
            opened_at=opened,
            updated_at=closed or opened,
            closed_at=closed,
            created_by_id=owner.pk,
        )
        case = CaseRef(case_id, opened)
        self.counts.cases += 1
        persons = [
            self._person(org, owner, member, number, opened)
            for member, number in zip(members, numbers, strict=True)
        ]
        parties = [
            self._party(case_id, person, m.role) for person, m in zip(persons, members, strict=True)
        ]
        self._relations(case_id, parties, members, relation)
        has_children = any(m.role == PartyRole.CHILD for m in members)
        self._incidents(case, org, owner, names, has_children, closed)
        self._journal(case, owner, names, closed)
        self._bases(case, org, owner, persons, members)

    def _names(self, members: list[Member]) -> dict[str, str]:
        victim = members[0]
        perpetrator = members[1] if len(members) > 1 else members[0]
        return {
            "victim": f"{victim.first_name} {victim.last_name}",
            "victim_first": victim.first_name,
            "perpetrator": f"{perpetrator.first_name} {perpetrator.last_name}",
            "perpetrator_first": perpetrator.first_name,
        }

    def _person(
        self, org: Org, owner: User, member: Member, number: str | None, at: datetime.datetime
    ) -> int:
        person_id = self.ids.take(Person)
        if number:
            kind, value = IdentityKind.PERSONNUMMER, number
            self.counts.personnummer += 1
        elif self.rng.random() < 0.4:
            kind, value = IdentityKind.RESERVNUMMER, reserve_number(person_id)
        else:
            kind, value = IdentityKind.NONE, ""
        self.rows[Person].add(
            id=person_id,
            organisation_id=org.organisation.pk,
            unit_id=org.unit.pk,
            first_name=member.first_name,
            last_name=member.last_name,
            search_name=normalise_name(f"{member.last_name} {member.first_name}"),
            identity_kind=kind,
            identity_number=value,
            birth_date=member.born,
            gender=member.gender,
            languages=member.language,
            interpreter_needed=member.interpreter,
            interpreter_language=member.language if member.interpreter else "",
            phone=member.phone,
            email=member.email,
            street_address=member.street,
            postal_code=member.postal_code,
            city="Stockholm",
            protection=member.protected,
            created_at=at,
            created_by_id=owner.pk,
            updated_at=at,
        )
        self.counts.persons += 1
        self.counts.protected += bool(member.protected)
        return person_id

    def _party(self, case_id: int, person_id: int, role: str) -> int:
        party_id = self.ids.take(Party)
        self.rows[Party].add(id=party_id, case_id=case_id, person_id=person_id, role=role)
        self.counts.parties += 1
        return party_id

    def _relations(
        self, case_id: int, parties: list[int], members: list[Member], kind: str
    ) -> None:
        if len(parties) < 2:
            return
        victim, perpetrator = parties[0], parties[1]
        if kind == "other":
            kind = self.rng.choice(
                [RelationKind.SIBLING, RelationKind.OTHER_RELATIVE, RelationKind.OTHER_CLOSE]
            )
        pairs = [(perpetrator, victim, kind)]
        for party, member in zip(parties[2:], members[2:], strict=True):
            if member.role == PartyRole.CHILD:
                pairs += [
                    (victim, party, RelationKind.PARENT),
                    (perpetrator, party, RelationKind.PARENT),
                ]
        for from_party, to_party, relation in pairs:
            self.rows[Relation].add(
                id=self.ids.take(Relation),
                case_id=case_id,
                from_party_id=from_party,
                to_party_id=to_party,
                kind=relation,
            )
            self.counts.relations += 1

    def _incidents(
        self,
        case: CaseRef,
        org: Org,
        owner: User,
        names: dict[str, str],
        children: bool,
        closed: datetime.datetime | None,
    ) -> None:
        rng = self.rng
        police = org.organisation.kind == OrganisationKind.POLICE
        latest = min(self.now - datetime.timedelta(hours=1), case.opened_at + DAY * 180)
        earliest = case.opened_at - DAY * 365
        for _ in range(rng.choices([1, 2, 3, 4, 5, 6], [20, 25, 22, 15, 10, 8])[0]):
            when = earliest + datetime.timedelta(
                seconds=rng.randint(0, int((latest - earliest).total_seconds()))
            )
            kinds = [
                kind
                for kind, chance in (
                    (ViolenceKind.PHYSICAL, 0.6),
                    (ViolenceKind.PSYCHOLOGICAL, 0.8),
                    (ViolenceKind.SEXUAL, 0.12),
                    (ViolenceKind.ECONOMIC, 0.15),
                    (ViolenceKind.DIGITAL, 0.15),
                    (ViolenceKind.HONOUR, 0.04),
                    (ViolenceKind.NEGLECT, 0.05 if children else 0.0),
                )
                if rng.random() < chance
            ] or [ViolenceKind.PSYCHOLOGICAL]
            present = children and rng.random() < 0.55
            weapon = rng.random() < 0.08
            strangled = ViolenceKind.PHYSICAL in kinds and rng.random() < 0.1
            reported = rng.random() < (0.85 if police else 0.35)
            self.rows[Incident].add(
                id=self.ids.take(Incident),
                case_id=case.pk,
                occurred_at=when,
                kinds=kinds,
                place=rng.choice(texts.PLACES),
                police_report_number=(
                    f"K{rng.randint(100_000, 999_999)}-{when:%y}" if reported else ""
                ),
                children_present=present,
                children_saw=present and rng.random() < 0.6,
                children_heard=children and rng.random() < 0.7,
                weapon=weapon,
                weapon_description=rng.choice(texts.WEAPONS) if weapon else "",
                strangulation=strangled,
                injuries=(
                    texts.INJURIES[2]
                    if strangled
                    else rng.choice(texts.INJURIES)
                    if ViolenceKind.PHYSICAL in kinds
                    else ""
                ),
                description=rng.choice(texts.INCIDENT_DESCRIPTIONS).format(**names),
                created_at=max(when, case.opened_at),
                created_by_id=owner.pk,
            )
            self.counts.incidents += 1

    def _journal(
        self, case: CaseRef, owner: User, names: dict[str, str], closed: datetime.datetime | None
    ) -> None:
        rng = self.rng
        end = closed or self.now - datetime.timedelta(minutes=5)
        span = max(60, int((end - case.opened_at).total_seconds()))
        moments = sorted(
            case.opened_at + datetime.timedelta(seconds=rng.randint(0, span))
            for _ in range(rng.choices([1, 2, 3, 4, 5, 6, 8], [10, 15, 20, 20, 15, 12, 8])[0])
        )
        written: list[int] = []
        for moment in moments:
            corrects = rng.choice(written) if written and rng.random() < 0.04 else None
            template = texts.CORRECTION_TEXTS if corrects else texts.JOURNAL_TEXTS
            entry_id = self.ids.take(JournalEntry)
            self.rows[JournalEntry].add(
                id=entry_id,
                case_id=case.pk,
                author_id=owner.pk,
                written_at=moment,
                text=rng.choice(template).format(**names),
                corrects_id=corrects,
            )
            written.append(entry_id)
            self.counts.journal_entries += 1

    # --- sharing bases: consent from victims, statutory disclosures --------------------------

    def _bases(
        self, case: CaseRef, org: Org, owner: User, persons: list[int], members: list[Member]
    ) -> None:
        if org.other is None:
            return
        rng = self.rng
        subjects = list(zip(persons, members, strict=True))
        if rng.random() < 0.14:  # the victim's consent: ~9 % active, the rest expired or withdrawn
            state = rng.choices(["active", "expired", "withdrawn"], [65, 20, 15])[0]
            self._basis(case, org, owner, subjects[0], state, kind=BasisKind.CONSENT)
        police = org.organisation.kind == OrganisationKind.POLICE
        children = [s for s in subjects if s[1].role == PartyRole.CHILD]
        if police and children and rng.random() < 0.08:
            for child in children:
                self._basis(case, org, owner, child, "active", ground=StatutoryGround.OROSANMALAN)
        elif not police and len(subjects) > 1 and rng.random() < 0.03:
            self._basis(case, org, owner, subjects[1], "active", ground=StatutoryGround.OSL_10_18C)

    def _basis(
        self,
        case: CaseRef,
        org: Org,
        owner: User,
        subject: tuple[int, Member],
        state: str,
        kind: str = BasisKind.STATUTORY,
        ground: str = "",
    ) -> None:
        rng = self.rng
        assert org.other is not None
        start = case.opened_at + DAY * rng.randint(0, 30)
        start = min(start, self.now - DAY)
        if state == "expired":
            until: datetime.datetime | None = start + DAY * rng.randint(30, 180)
            if until is not None and until >= self.now:
                until, start = self.now - DAY, self.now - DAY * 200
        else:
            until = (
                None if rng.random() < 0.3 else max(start, self.now) + DAY * rng.randint(30, 365)
            )
        consent = kind == BasisKind.CONSENT
        names = {"victim_first": subject[1].first_name}
        owner_names = [u.get_full_name() or u.username for u in org.staff if u.pk != owner.pk]
        owner_names = owner_names or ["Vittne Demo"]
        rule = GROUNDS.get(ground) if ground else None
        # A ground that needs approval was approved by a lead who did not request it.
        lead = (
            next((u for u in org.staff if u.role == "unit_lead" and u.pk != owner.pk), None)
            if rule is not None and rule.needs_approval
            else None
        )
        self.rows[SharingBasis].add(
            id=self.ids.take(SharingBasis),
            kind=kind,
            organisation_id=org.organisation.pk,
            recipient_id=org.other.organisation.pk,
            unit_id=org.unit.pk,
            subject_id=subject[0],
            case_id=case.pk if rng.random() < 0.3 else None,
            covers_person=True,
            covers_contact=consent and rng.random() < 0.5,
            covers_cases=True,
            covers_incidents=rng.random() < (0.6 if consent else 0.9),
            covers_risk_assessment=rng.random() < (0.5 if consent else 0.7),
            covers_safety_plan=consent and rng.random() < 0.3,
            covers_support=consent and rng.random() < 0.4,
            covers_journal=rng.random() < (0.3 if consent else 0.2),
            purpose=rng.choice(
                texts.CONSENT_PURPOSES if consent else texts.STATUTORY_PURPOSES
            ).format(**names),
            # Oral, with a witness: a written consent needs its signed form, which the bulk demo
            # does not make (igor/demo/sharing.py records written ones through the actions).
            consent_form=ConsentForm.ORAL if consent else "",
            given_by=GivenBy.SUBJECT if consent else "",
            witness=rng.choice(owner_names) if consent else "",
            approval=Approval.APPROVED if lead is not None else Approval.NOT_NEEDED,
            decided_by_id=lead.pk if lead is not None else None,
            decided_at=start if lead is not None else None,
            ended_reason=EndReason.WITHDRAWN if state == "withdrawn" else "",
            ground=ground,
            conditions={name: True for name, _ in GROUNDS[ground].conditions} if ground else {},
            valid_from=start,
            valid_until=until,
            withdrawn_at=(
                min(start + DAY * rng.randint(1, 60), self.now - datetime.timedelta(hours=1))
                if state == "withdrawn"
                else None
            ),
            withdrawn_by_id=owner.pk if state == "withdrawn" else None,
            recorded_at=start,
            recorded_by_id=owner.pk,
        )
        self.counts.sharing_bases += 1


def analyse() -> None:
    """Fresh planner statistics. Without them a database that grew from empty to millions of
    rows in one go (or got a new index) is planned as if its tables were still small."""
    tables = [model._meta.db_table for model in MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            cursor.execute("ANALYZE " + ", ".join(quote(t) for t in tables))
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")  # sampled: seconds, not minutes
            cursor.execute("ANALYZE")


def generate(
    *, persons: int, seed: int, now: datetime.datetime, progress: Progress | None = None
) -> Counts:
    """Write `persons` demo persons with their cases; one transaction, one audit event."""
    with transaction.atomic():
        counts = Generator(seed=seed, now=now, progress=progress).run(persons)
        record(
            actor=None,
            verb="create",
            object_type="demo_data",
            actor_label="system",
            purpose="demo data import",
            data={"seed": seed, "version": VERSION, "anchor": now.isoformat(), **asdict(counts)},
        )
    return counts


def as_dict(counts: Counts) -> dict[str, Any]:
    return asdict(counts)
