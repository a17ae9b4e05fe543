"""Daily summaries: the counters of the case figures per unit and local day, so that a period's
dashboard sums a few hundred rows per unit instead of reading every case of the period.

What is kept, by source (each a day's result of the same queries the figures were defined with,
run on a one-day period):

- ``opened``: the cases opened that day and their flags (no police report, origin, legal
  process, handed to the prosecutor); the victim interview as ``interviewed@<date of the first
  interview>``, so that "interviewed by today" is a sum over the dates up to today.
- ``incidents``: the incidents that occurred that day (reported, children present).
- ``closed``: the cases closed that day.
- ``reoffending``: the cases closed that day with a person using violence, and how many of them
  re-offended within 6 and 12 months (any, same and new partner). Whether a closing day has been
  followed long enough depends only on the day and today, so the reader adds up the days whose
  follow-up has ended, exactly as the per-case rule does.

How it stays correct:

1. Every change to a row a day's counters read (a case, incident, party, person, tip, legal
   process or legal event) marks its case as changed, by signals, in the change's own
   transaction (`ChangedCase`). Writes that bypass signals (`QuerySet.update`) call
   `mark_cases` themselves.
2. Before any figure is read, `refresh` takes the changed cases, and recounts from the rows every
   day they counted in before (their stored `CaseFootprint`) and count in now: their opening,
   closing and incident days, and the closing days of the closed cases whose re-offending their
   incidents can change (same person using violence, closed within the 12 months before). Then
   it stores the new footprints. A day is always recounted whole, from the rows.
3. `igor stats_verify` recounts every day from the rows and compares; `igor stats_rebuild`
   rebuilds all (after a bulk import that bypassed the actions). The test suite runs random
   histories of the actions and checks that the summaries equal a recount.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Count as DbCount
from django.db.models import Exists, OuterRef, Q, Subquery, Sum

from igor.cases.models import Case, CaseStatus, Incident, Party, PartyRole
from igor.people.models import Person
from igor.stats import formulas
from igor.stats.models import CaseFootprint, ChangedCase, DailyCount, SummaryState
from igor.stats.periods import Period, add_months, during, local_date
from igor.support.models import InvestigationStatus, LegalEvent, LegalEventKind, LegalProcess
from igor.tips.models import Tip

T = TypeVar("T")
Rows = dict[int, dict[str, int]]  # unit id → counter → number

# Raised whenever what a day counts changes: summaries of another version are rebuilt when next
# read, so an upgrade never sums days counted by the old rules.
VERSION = 1
OPENED, INCIDENTS, CLOSED, REOFFENDING = "opened", "incidents", "closed", "reoffending"
VICTIMS, PERPETRATORS = "victims", "perpetrators"  # counters named by person id, for distinct
# The same persons per calendar month (day = the 1st), rolled up from the days: a period's whole
# months are read from these, so distinct counting reads a month's persons once, not each day's.
MONTHLY = {VICTIMS: "victims_month", PERPETRATORS: "perpetrators_month"}
SOURCES = (OPENED, INCIDENTS, CLOSED, REOFFENDING, VICTIMS, PERPETRATORS)
INTERVIEWED_ON = "interviewed@"
FOLLOW_UP_MONTHS = (6, 12)
PARTNERS = ("any", "same", "new")
# A closing day whose re-offending an incident on day X can change lies within the 12 months
# before X; a few days more cover the month-end clamping of `add_months`.
RELATED_WINDOW = datetime.timedelta(days=370)


# --- What each day counts, from the rows ---------------------------------------------------------

Days = dict[datetime.date, Rows]  # local day → unit id → counter → number


def _add(found: Days, day: datetime.date, unit: int, counters: Iterable[str], n: int = 1) -> None:
    row = found.setdefault(day, {}).setdefault(unit, {})
    for counter in counters:
        row[counter] = row.get(counter, 0) + n


def count_opened(period: Period) -> Days:
    """The cases opened on each day of the period, with the figures' flags (`opened_counters`)."""
    from igor.stats.passes import opened_counters

    first_interview = (
        LegalEvent.objects.filter(
            process__case_id=OuterRef("pk"), kind=LegalEventKind.VICTIM_INTERVIEW
        )
        .order_by("at")
        .values("at")[:1]
    )
    cases = Case.objects.filter(during(period, "opened_at")).annotate(
        has_report=Exists(
            Incident.objects.filter(case_id=OuterRef("pk")).exclude(police_report_number="")
        ),
        has_tip=Exists(
            Tip.objects.filter(case_id=OuterRef("pk"), received_at__lte=OuterRef("opened_at"))
        ),
        has_process=Exists(LegalProcess.objects.filter(case_id=OuterRef("pk"))),
        was_handed=Exists(
            LegalProcess.objects.filter(case_id=OuterRef("pk")).filter(
                Q(investigation=InvestigationStatus.WITH_PROSECUTOR) | ~Q(prosecutor_decision="")
            )
        ),
        first_interview=Subquery(first_interview),
    )
    found: Days = {}
    rows = cases.order_by().values_list(
        "unit_id",
        "opened_at",
        "has_report",
        "has_tip",
        "has_process",
        "was_handed",
        "first_interview",
    )
    for unit, opened_at, report, tip, process, handed, interview in rows.iterator(5000):
        day = local_date(opened_at)
        _add(found, day, unit, opened_counters(report, tip, process, handed, interviewed=False))
        if process and interview is not None:
            _add(found, day, unit, [INTERVIEWED_ON + local_date(interview).isoformat()])
    return found


def count_incidents(period: Period) -> Days:
    found: Days = {}
    rows = (
        Incident.objects.filter(during(period, "occurred_at"))
        .order_by()
        .values_list(
            "case__unit_id",
            "occurred_at",
            "police_report_number",
            "children_present",
            "children_saw",
            "children_heard",
        )
    )
    for unit, occurred, report, *children in rows.iterator(5000):
        counters = (
            ["n"] + (["reported"] if report else []) + (["children"] if any(children) else [])
        )
        _add(found, local_date(occurred), unit, counters)
    return found


def count_closed(period: Period) -> Days:
    found: Days = {}
    rows = (
        Case.objects.filter(during(period, "closed_at"))
        .order_by()
        .values_list("unit_id", "closed_at")
    )
    for unit, closed_at in rows.iterator(5000):
        assert closed_at is not None  # asked for a closing time in the period
        _add(found, local_date(closed_at), unit, ["n"])
    return found


def count_reoffending(period: Period) -> Days:
    """The cases closed on each day of the period, and for each follow-up and partner how many
    re-offended, as if the follow-up had ended (the reader leaves out the days whose follow-up
    has not ended by its today)."""
    from igor.stats.sources import closed_cases, later_incidents

    closed = Case.objects.filter(during(period, "closed_at"), status=CaseStatus.CLOSED)
    by_unit = closed_cases(closed)
    if not by_unit:
        return {}
    until = Period(period.end, add_months(period.end, max(FOLLOW_UP_MONTHS))).upper()
    index = formulas.index_incidents(later_incidents(closed, period.lower(), until))
    variants = [(months, partner) for months in FOLLOW_UP_MONTHS for partner in PARTNERS]
    found: Days = {}
    for unit, cases in by_unit.items():
        by_day: dict[datetime.date, list[formulas.ClosedCase]] = defaultdict(list)
        for _pk, case in cases:
            by_day[case.closed_on].append(case)
        for day, closed_that_day in by_day.items():
            shares = formulas.reoffending_variants(
                closed_that_day, index, today=datetime.date.max, variants=variants
            )
            _add(found, day, unit, ["closed"], len(closed_that_day))
            _add(found, day, unit, ["followed"], shares[variants[0]].denominator)
            for (months, partner), share in shares.items():
                _add(found, day, unit, [f"{months}_{partner}"], share.numerator)
    return found


def _count_parties(role: str) -> Callable[[Period], Days]:
    def count(period: Period) -> Days:
        """The persons with `role` in the cases opened on each day: one counter per person, so
        a period's distinct persons are its distinct counters."""
        found: Days = {}
        rows = (
            Party.objects.filter(role=role)
            .filter(during(period, "case__opened_at"))
            .order_by()
            .values_list("case__unit_id", "case__opened_at", "person_id")
        )
        for unit, opened_at, person in rows.iterator(5000):
            _add(found, local_date(opened_at), unit, [str(person)])
        return found

    return count


COUNTERS = {
    OPENED: count_opened,
    INCIDENTS: count_incidents,
    CLOSED: count_closed,
    REOFFENDING: count_reoffending,
    VICTIMS: _count_parties(PartyRole.VICTIM),
    PERPETRATORS: _count_parties(PartyRole.PERPETRATOR),
}


# --- Marking what changed ------------------------------------------------------------------------


def mark_cases(case_ids: Iterable[int | None]) -> None:
    """Note that these cases' rows changed, in the caller's transaction."""
    ChangedCase.objects.bulk_create([ChangedCase(case_id=pk) for pk in set(case_ids) if pk])


def mark_person(person_id: int) -> None:
    mark_cases(Party.objects.filter(person_id=person_id).values_list("case_id", flat=True))


# --- Bringing the summaries up to date -----------------------------------------------------------


def refresh() -> None:
    """Recount the days the changed cases touch; build everything the first time and after
    the counting rules change (`VERSION`)."""
    current = SummaryState.objects.filter(id=1, version=VERSION).exists()
    if current and not ChangedCase.objects.exists():
        return
    with transaction.atomic():
        state, _created = SummaryState.objects.select_for_update().get_or_create(id=1)
        if state.version != VERSION:
            _rebuild()
            state.version = VERSION
            state.save(update_fields=["version"])
            return
        changed = list(ChangedCase.objects.values_list("pk", "case_id"))
        if changed:
            _recount_cases({case_id for _pk, case_id in changed})
            ChangedCase.objects.filter(pk__in=[pk for pk, _case in changed]).delete()


def rebuild() -> None:
    """Recount every day from the rows (after a bulk load that bypassed the actions)."""
    with transaction.atomic():
        state, _created = SummaryState.objects.select_for_update().get_or_create(id=1)
        _rebuild()
        state.version = VERSION
        state.save(update_fields=["version"])


def _rebuild() -> None:
    _recount_everything()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The table was written whole: without fresh statistics the planner would scan it.
            cursor.execute("ANALYZE stats_dailycount")


def _recount_everything() -> None:
    DailyCount.objects.all().delete()
    CaseFootprint.objects.all().delete()
    ChangedCase.objects.all().delete()
    for source, days in all_days().items():
        if days:  # a year at a time: one pass over the rows, split by day
            first, last = min(days), max(days)
            for year in range(first.year, last.year + 1):
                span = Period(
                    max(first, datetime.date(year, 1, 1)), min(last, datetime.date(year, 12, 31))
                )
                _store(source, COUNTERS[source](span))
    for chunk in _chunks(list(Case.objects.order_by("pk").values_list("pk", flat=True)), 2000):
        CaseFootprint.objects.bulk_create(footprints(set(chunk)).values())


def all_days() -> dict[str, set[datetime.date]]:
    """Every day any source has rows on."""
    days: dict[str, set[datetime.date]] = {source: set() for source in SOURCES}
    for opened, closed in Case.objects.values_list("opened_at", "closed_at").iterator(5000):
        days[OPENED].add(local_date(opened))
        days[VICTIMS].add(local_date(opened))
        days[PERPETRATORS].add(local_date(opened))
        if closed is not None:
            days[CLOSED].add(local_date(closed))
            days[REOFFENDING].add(local_date(closed))
    for (occurred,) in Incident.objects.values_list("occurred_at").iterator(5000):
        days[INCIDENTS].add(local_date(occurred))
    return days


def _recount_cases(case_ids: set[int]) -> None:
    old = {fp.case_id: fp for fp in CaseFootprint.objects.filter(case_id__in=case_ids)}
    new = footprints(case_ids)
    days: dict[str, set[datetime.date]] = {source: set() for source in SOURCES}
    for footprint in [*old.values(), *new.values()]:
        _add_days(days, footprint)
    for source, changed in days.items():
        _recount(source, changed)
    CaseFootprint.objects.filter(case_id__in=case_ids).delete()
    CaseFootprint.objects.bulk_create(new.values())


def _recount(source: str, days: set[datetime.date]) -> None:
    """Recount these days of a source, days close together in one pass."""
    for cluster in _clusters(sorted(days)):
        counted = COUNTERS[source](Period(cluster[0], cluster[-1]))
        _store(source, {day: counted.get(day, {}) for day in cluster})


def _clusters(days: list[datetime.date], gap: int = 31) -> Iterable[list[datetime.date]]:
    cluster: list[datetime.date] = []
    for day in days:
        if cluster and (day - cluster[-1]).days > gap:
            yield cluster
            cluster = []
        cluster.append(day)
    if cluster:
        yield cluster


def _add_days(days: dict[str, set[datetime.date]], footprint: CaseFootprint) -> None:
    for source in (OPENED, VICTIMS, PERPETRATORS):
        days[source].add(footprint.opened_on)
    if footprint.closed_on:
        days[CLOSED].add(footprint.closed_on)
        days[REOFFENDING].add(footprint.closed_on)
    incident_days = [datetime.date.fromisoformat(day) for day in footprint.incident_days]
    days[INCIDENTS].update(incident_days)
    if incident_days and footprint.perpetrators:
        days[REOFFENDING].update(
            related_closing_days(footprint.organisation_id, footprint.perpetrators, incident_days)
        )


def related_closing_days(
    organisation_id: int, perpetrators: list[str], incident_days: list[datetime.date]
) -> set[datetime.date]:
    """The closing days of the organisation's closed cases with one of these persons using
    violence, within the 12 months before one of the incident days: the days whose re-offending
    these incidents can change (the same person key rule as igor.stats.sources)."""
    person_ids = [int(key[1:]) for key in perpetrators if key.startswith("p")]
    numbers = [key.split(":n", 1)[1] for key in perpetrators if ":n" in key]
    earliest = min(incident_days) - RELATED_WINDOW
    closed = (
        Party.objects.filter(
            role=PartyRole.PERPETRATOR,
            case__organisation_id=organisation_id,
            case__status=CaseStatus.CLOSED,
            case__closed_at__gte=Period(earliest, earliest).lower(),
        )
        .filter(Q(person_id__in=person_ids) | Q(person__identity_number__in=numbers))
        .values_list("case__closed_at", flat=True)
    )
    found = set()
    for closed_at in closed:
        assert closed_at is not None  # a closed case has its date (a database constraint)
        day = local_date(closed_at)
        if any(day < incident <= day + RELATED_WINDOW for incident in incident_days):
            found.add(day)
    return found


def footprints(case_ids: set[int]) -> dict[int, CaseFootprint]:
    """The cases' footprints as their rows are now (cases that no longer exist have none)."""
    from igor.stats.sources import person_key

    found = {
        pk: CaseFootprint(
            case_id=pk,
            organisation_id=organisation_id,
            opened_on=local_date(opened),
            closed_on=local_date(closed) if closed else None,
            incident_days=[],
            perpetrators=[],
        )
        for pk, organisation_id, opened, closed in Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "organisation_id", "opened_at", "closed_at"
        )
    }
    for case_id, occurred in Incident.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "occurred_at"
    ):
        found[case_id].incident_days.append(local_date(occurred).isoformat())
    perpetrators = Party.objects.filter(case_id__in=case_ids, role=PartyRole.PERPETRATOR)
    for case_id, person_id, organisation_id, number in perpetrators.values_list(
        "case_id", "person_id", "person__organisation_id", "person__identity_number"
    ):
        found[case_id].perpetrators.append(person_key(organisation_id, person_id, number))
    for footprint in found.values():
        footprint.incident_days = sorted(set(footprint.incident_days))
        footprint.perpetrators = sorted(set(footprint.perpetrators))
    return found


def _store(source: str, counted: Days) -> None:
    for days in _chunks(sorted(counted), 500):
        DailyCount.objects.filter(source=source, day__in=days).delete()
        DailyCount.objects.bulk_create(
            [
                DailyCount(source=source, day=day, unit_id=unit, counter=counter, n=n)
                for day in days
                for unit, row in counted[day].items()
                for counter, n in row.items()
                if n
            ],
            batch_size=2000,
        )
    if source in MONTHLY:
        _roll_up(source, set(counted))


def _roll_up(source: str, days: set[datetime.date]) -> None:
    """Recount the months of these days for the monthly source, from the stored days."""
    monthly = MONTHLY[source]
    for month in _months(days):
        persons = (
            DailyCount.objects.filter(source=source, day__gte=month.start, day__lte=month.end)
            .order_by()
            .values_list("unit_id", "counter")
            .distinct()
        )
        DailyCount.objects.filter(source=monthly, day=month.start).delete()
        DailyCount.objects.bulk_create(
            [
                DailyCount(source=monthly, day=month.start, unit_id=unit, counter=counter, n=1)
                for unit, counter in persons
            ],
            batch_size=2000,
        )


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Reading a period ----------------------------------------------------------------------------


def _sums(source: str, period: Period) -> Rows:
    found: Rows = {}
    rows = (
        DailyCount.objects.filter(source=source, day__gte=period.start, day__lte=period.end)
        .order_by()
        .values_list("unit_id", "counter")
        .annotate(n=Sum("n"))
    )
    for unit, counter, n in rows:
        found.setdefault(unit, {})[counter] = n
    return found


def opened(period: Period, today: datetime.date, counters: tuple[str, ...]) -> Rows:
    """The period's opened-case counters; the interviews are those held by the end of today."""
    refresh()
    found: Rows = {}
    for unit, row in _sums(OPENED, period).items():
        if not row.get("opened"):
            continue
        total = dict.fromkeys(counters, 0)
        for counter, n in row.items():
            if counter.startswith(INTERVIEWED_ON):
                held = datetime.date.fromisoformat(counter.removeprefix(INTERVIEWED_ON))
                total["interviewed"] += n if held <= today else 0
            else:
                total[counter] += n
        found[unit] = total
    return found


def incidents(period: Period) -> Rows:
    refresh()
    return {
        unit: {"n": 0, "reported": 0, "children": 0, **row}
        for unit, row in _sums(INCIDENTS, period).items()
    }


def closed(period: Period) -> dict[int, int]:
    refresh()
    return {unit: row["n"] for unit, row in _sums(CLOSED, period).items()}


def distinct_persons(period: Period, source: str) -> dict[int, int]:
    """The distinct victims (or perpetrators) of the cases opened in the period, by unit: the
    period's whole months from the monthly rows, the days before and after them from the days."""
    refresh()
    first_whole = (
        period.start if period.start.day == 1 else add_months(period.start.replace(day=1), 1)
    )
    after_whole = add_months(period.end.replace(day=1), 1)
    if period.end + datetime.timedelta(days=1) != after_whole:
        after_whole = period.end.replace(day=1)  # the last month is cut: its days are read
    rows = DailyCount.objects.filter(source=source, day__gte=period.start, day__lte=period.end)
    if first_whole < after_whole:
        days = Q(day__lt=first_whole) | Q(day__gte=after_whole)
        months = Q(source=MONTHLY[source], day__gte=first_whole, day__lt=after_whole)
        rows = DailyCount.objects.filter(
            (Q(source=source, day__gte=period.start, day__lte=period.end) & days) | months
        )
    counted = rows.order_by().values_list("unit_id").annotate(n=DbCount("counter", distinct=True))
    return dict(counted)


def last_followed_day(today: datetime.date, months: int) -> datetime.date:
    """The last closing day whose follow-up of `months` has ended by today."""
    day = add_months(today, -months) + datetime.timedelta(days=4)
    while add_months(day, months) > today:
        day -= datetime.timedelta(days=1)
    return day


def reoffending(
    period: Period, today: datetime.date
) -> dict[int, dict[formulas.Variant, formulas.Share]]:
    """The six re-offending shares per unit with a closed case in the period."""
    refresh()
    cutoffs = {
        months: min(period.end, last_followed_day(today, months)) for months in FOLLOW_UP_MONTHS
    }
    sums: dict[str, Sum] = {"closed": Sum("n", filter=Q(counter="closed"))}
    for months, cutoff in cutoffs.items():
        sums[f"followed_{months}"] = Sum("n", filter=Q(counter="followed", day__lte=cutoff))
        for partner in PARTNERS:
            key = f"{months}_{partner}"
            sums[key] = Sum("n", filter=Q(counter=key, day__lte=cutoff))
    rows = (
        DailyCount.objects.filter(source=REOFFENDING, day__gte=period.start, day__lte=period.end)
        .order_by()
        .values("unit_id")
        .annotate(**sums)
    )
    found: dict[int, dict[formulas.Variant, formulas.Share]] = {}
    for row in rows:
        if not row["closed"]:
            continue
        found[row["unit_id"]] = {
            (months, partner): formulas.Share(
                row[f"{months}_{partner}"] or 0, row[f"followed_{months}"] or 0
            )
            for months in FOLLOW_UP_MONTHS
            for partner in PARTNERS
        }
    return found


# --- Checking ------------------------------------------------------------------------------------


def differences() -> list[str]:
    """Every stored counter that differs from a recount of the rows, month by month (nothing
    when all is right)."""
    refresh()
    problems = []
    for source, days in all_days().items():
        stored = _stored(source)
        recounted: Counted = {}
        for month in _months(days):  # another split than the rebuild's years and the refreshes'
            for day, rows in COUNTERS[source](month).items():
                for unit, row in rows.items():
                    recounted.update({(day, unit, c): n for c, n in row.items() if n})
        problems += _compare(source, stored, recounted)
        if source in MONTHLY:
            months = {(day.replace(day=1), unit, c): 1 for day, unit, c in recounted}
            problems += _compare(MONTHLY[source], _stored(MONTHLY[source]), months)
    return problems


Counted = dict[tuple[datetime.date, int, str], int]


def _stored(source: str) -> Counted:
    rows = DailyCount.objects.filter(source=source).values_list("day", "unit_id", "counter", "n")
    return {(day, unit, counter): n for day, unit, counter, n in rows}


def _compare(source: str, stored: Counted, recounted: Counted) -> list[str]:
    return [
        f"{source} {day} unit {unit} {counter}: stored {stored.get(key)}, "
        f"rows say {recounted.get(key)}"
        for key in sorted(set(stored) | set(recounted))
        if stored.get(key) != recounted.get(key)
        for day, unit, counter in [key]
    ]


def _months(days: set[datetime.date]) -> list[Period]:
    firsts = sorted({day.replace(day=1) for day in days})
    return [Period(first, add_months(first, 1) - datetime.timedelta(days=1)) for first in firsts]


def connect_signals() -> None:
    """Mark the case of every saved or deleted row that a day's counters read. The receivers are
    local functions, so they are held strongly (weak=False) or they would vanish at once."""
    from django.db.models.signals import post_delete, post_save, pre_save

    def case_itself(sender: type, instance: Case, **kwargs: object) -> None:
        mark_cases([instance.pk])

    def by_case_id(
        sender: type, instance: Incident | Party | LegalProcess, **kwargs: object
    ) -> None:
        mark_cases([instance.case_id])

    def legal_event(sender: type, instance: LegalEvent, **kwargs: object) -> None:
        mark_cases(
            LegalProcess.objects.filter(pk=instance.process_id).values_list("case_id", flat=True)
        )

    def tip_before(sender: type, instance: Tip, **kwargs: object) -> None:
        if instance.pk:  # a tip moved off a case leaves that case without it
            mark_cases(Tip.objects.filter(pk=instance.pk).values_list("case_id", flat=True))

    def tip_after(sender: type, instance: Tip, **kwargs: object) -> None:
        mark_cases([instance.case_id])

    def person(sender: type, instance: Person, created: bool = False, **kwargs: object) -> None:
        if not created:  # the identity number makes two rows one person using violence
            mark_person(instance.pk)

    post_save.connect(case_itself, sender=Case, weak=False, dispatch_uid="stats-case-save")
    post_delete.connect(case_itself, sender=Case, weak=False, dispatch_uid="stats-case-delete")
    for model in (Incident, Party, LegalProcess):
        post_save.connect(
            by_case_id, sender=model, weak=False, dispatch_uid=f"stats-{model.__name__}-save"
        )
        post_delete.connect(
            by_case_id, sender=model, weak=False, dispatch_uid=f"stats-{model.__name__}-delete"
        )
    post_save.connect(legal_event, sender=LegalEvent, weak=False, dispatch_uid="stats-event-save")
    post_delete.connect(
        legal_event, sender=LegalEvent, weak=False, dispatch_uid="stats-event-delete"
    )
    pre_save.connect(tip_before, sender=Tip, weak=False, dispatch_uid="stats-tip-before")
    post_save.connect(tip_after, sender=Tip, weak=False, dispatch_uid="stats-tip-save")
    post_delete.connect(tip_after, sender=Tip, weak=False, dispatch_uid="stats-tip-delete")
    post_save.connect(person, sender=Person, weak=False, dispatch_uid="stats-person-save")
