"""Research extracts: one pseudonymised row per case, with the study's variables only.

Free text (titles, summaries, descriptions, journal notes, places) never enters a row. Dates are
coarsened to the month. Pseudonyms come from the study's own key. The rows are made k-anonymous
(igor.stats.anonymity) before anything is written, and the file carries its data dictionary.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from igor.cases.models import Case, Incident, Party, PartyRole, Relation
from igor.lib.spreadsheet import escape_formula
from igor.stats import anonymity, formulas, sources
from igor.stats.anonymity import Generaliser, Row
from igor.stats.exports import to_csv
from igor.stats.models import Extract
from igor.stats.periods import STOCKHOLM, Period, add_months, local_date, month_of

BATCH = 500


@dataclass(frozen=True)
class Variable:
    key: str
    label: Promise
    description: Promise
    ladder: Generaliser | None = None  # set for a quasi-identifier

    @property
    def quasi(self) -> bool:
        return self.ladder is not None


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "unit", _("Unit"), _("The joint unit the case belongs to."), anonymity.keep_then_suppress(3)
    ),
    Variable(
        "opened_month",
        _("Month opened"),
        _("Month the case was opened (YYYY-MM)."),
        anonymity.month_ladder,
    ),
    Variable(
        "closed_month",
        _("Month closed"),
        _("Month the case was closed, empty while open."),
        anonymity.month_ladder,
    ),
    Variable("status", _("Status"), _("open, active or closed.")),
    Variable(
        "police_report", _("Police report"), _("yes if any incident has a police report number.")
    ),
    Variable("incidents", _("Incidents"), _("Number of incidents recorded in the case.")),
    Variable(
        "violence_kinds",
        _("Kinds of violence"),
        _("Kinds of violence over all incidents, separated by semicolons."),
    ),
    Variable(
        "children_present",
        _("Children present"),
        _("yes if a child was present at, saw or heard an incident."),
    ),
    Variable(
        "victim",
        _("Victim (pseudonym)"),
        _(
            "Pseudonym of the first victim; the same person has the same pseudonym throughout the study."
        ),
    ),
    Variable(
        "victim_gender",
        _("Victim's gender"),
        _("As recorded; empty if not stated."),
        anonymity.keep_then_suppress(2),
    ),
    Variable(
        "victim_age_band",
        _("Victim's age band"),
        _("Age when the case was opened, in ten-year bands."),
        anonymity.band_ladder,
    ),
    Variable(
        "perpetrator",
        _("Person using violence (pseudonym)"),
        _("Pseudonym of the first person using violence."),
    ),
    Variable(
        "perpetrator_gender",
        _("Gender of the person using violence"),
        _("As recorded; empty if not stated."),
        anonymity.keep_then_suppress(2),
    ),
    Variable(
        "perpetrator_age_band",
        _("Age band of the person using violence"),
        _("Age when the case was opened, in ten-year bands."),
        anonymity.band_ladder,
    ),
    Variable(
        "relation",
        _("Relation"),
        _("How the person using violence is related to the victim."),
        anonymity.keep_then_suppress(3),
    ),
    Variable(
        "reoffended_12m",
        _("New incident within 12 months"),
        _(
            "For a closed case: yes/no, a new incident by its person using violence within 12 months of closing; empty while the follow-up is not over."
        ),
    ),
)
VARIABLE_KEYS = tuple(v.key for v in VARIABLES)
BY_KEY = {v.key: v for v in VARIABLES}


def _age(birth: datetime.date | None, on: datetime.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class CaseFacts:
    case: Case
    victims: list[Party]
    perpetrators: list[Party]
    incidents: list[tuple[datetime.datetime, list[str], bool, bool]]
    relation: str


def _facts(cases: list[Case]) -> list[CaseFacts]:
    ids = [case.pk for case in cases]
    parties: dict[int, list[Party]] = defaultdict(list)
    for party in Party.objects.filter(case_id__in=ids).select_related("person").order_by("pk"):
        parties[party.case_id].append(party)
    incidents: dict[int, list[tuple[datetime.datetime, list[str], bool, bool]]] = defaultdict(list)
    for row in Incident.objects.filter(case_id__in=ids).values_list(
        "case_id",
        "occurred_at",
        "kinds",
        "police_report_number",
        "children_present",
        "children_saw",
        "children_heard",
    ):
        case_id, at, kinds, report, present, saw, heard = row
        incidents[case_id].append((at, list(kinds or []), bool(report), present or saw or heard))
    relations: dict[tuple[int, int], str] = {}
    for from_id, to_id, kind in Relation.objects.filter(case_id__in=ids).values_list(
        "from_party_id", "to_party_id", "kind"
    ):
        relations[(from_id, to_id)] = kind
    facts = []
    for case in cases:
        victims = [p for p in parties[case.pk] if p.role == PartyRole.VICTIM]
        perpetrators = [p for p in parties[case.pk] if p.role == PartyRole.PERPETRATOR]
        relation = ""
        if victims and perpetrators:
            v, p = victims[0].pk, perpetrators[0].pk
            relation = relations.get((p, v)) or relations.get((v, p)) or ""
        facts.append(CaseFacts(case, victims, perpetrators, incidents[case.pk], relation))
    return facts


def _key(party: Party) -> str:
    return sources.person_key(
        party.person.organisation_id, party.person_id, party.person.identity_number
    )


def _reoffended(facts: list[CaseFacts], today: datetime.date) -> dict[int, str]:
    """yes/no per closed case of the batch; empty while its 12-month follow-up is not over."""
    ids = [f.case.pk for f in facts if f.case.closed_at is not None]
    if not ids:
        return {}
    closed = Case.objects.filter(pk__in=ids)
    cases = [item for items in sources.closed_cases(closed).values() for item in items]
    first = min(f.case.closed_at for f in facts if f.case.closed_at)
    last = max(case.closed_on for _pk, case in cases)
    until = datetime.datetime.combine(
        add_months(last, 12) + datetime.timedelta(days=1), datetime.time(), tzinfo=STOCKHOLM
    )
    later = sources.later_incidents(closed, first, until)
    answers = {}
    index = formulas.index_incidents(later)  # once for the batch, not once per case
    for pk, case in cases:
        share = formulas.reoffending_variants([case], index, today=today, variants=[(12, "any")])[
            12, "any"
        ]
        answers[pk] = "" if share.denominator == 0 else ("yes" if share.numerator else "no")
    return answers


def row_for(facts: CaseFacts, key: str, variables: list[str], reoffended: dict[int, str]) -> Row:
    case = facts.case
    opened = local_date(case.opened_at)
    victim = facts.victims[0].person if facts.victims else None
    perpetrator = facts.perpetrators[0].person if facts.perpetrators else None
    kinds = sorted({kind for _at, ks, _r, _c in facts.incidents for kind in ks})
    full: Row = {
        "unit": case.unit.name,
        "opened_month": month_of(case.opened_at),
        "closed_month": month_of(case.closed_at),
        "status": case.status,
        "police_report": "yes" if any(r for _a, _k, r, _c in facts.incidents) else "no",
        "incidents": str(len(facts.incidents)),
        "violence_kinds": ";".join(kinds),
        "children_present": "yes" if any(c for _a, _k, _r, c in facts.incidents) else "no",
        "victim": anonymity.pseudonym(key, "person", _key(facts.victims[0])) if victim else "",
        "victim_gender": victim.gender if victim else "",
        "victim_age_band": anonymity.age_band(_age(victim.birth_date, opened)) if victim else "",
        "perpetrator": anonymity.pseudonym(key, "person", _key(facts.perpetrators[0]))
        if perpetrator
        else "",
        "perpetrator_gender": perpetrator.gender if perpetrator else "",
        "perpetrator_age_band": anonymity.age_band(_age(perpetrator.birth_date, opened))
        if perpetrator
        else "",
        "relation": facts.relation,
        "reoffended_12m": reoffended.get(case.pk, ""),
    }
    row = {"case": anonymity.pseudonym(key, "case", case.reference)}
    row.update({name: full[name] for name in variables})
    return row


def cases_for(extract: Extract) -> list[int]:
    period = Period(extract.period_start, extract.period_end)
    units = list(extract.units.values_list("pk", flat=True))
    return list(
        Case.objects.filter(
            unit_id__in=units, opened_at__gte=period.lower(), opened_at__lt=period.upper()
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def build_rows(
    extract: Extract, today: datetime.date, progress: Callable[[int, int], None]
) -> list[Row]:
    """The raw (not yet k-anonymous) rows, reporting progress after every batch."""
    study = extract.study
    variables = [v for v in VARIABLE_KEYS if v in study.variables]
    ids = cases_for(extract)
    rows: list[Row] = []
    progress(0, len(ids))
    for start in range(0, len(ids), BATCH):
        batch = list(
            Case.objects.filter(pk__in=ids[start : start + BATCH])
            .select_related("unit")
            .order_by("pk")
        )
        facts = _facts(batch)
        reoffended = _reoffended(facts, today) if "reoffended_12m" in variables else {}
        rows.extend(row_for(f, study.pseudonym_key, variables, reoffended) for f in facts)
        progress(min(start + BATCH, len(ids)), len(ids))
    return rows


def ladders_for(variables: list[str]) -> dict[str, Generaliser]:
    return {v.key: v.ladder for v in VARIABLES if v.key in variables and v.ladder is not None}


def dictionary_rows(variables: list[str]) -> list[list[str]]:
    rows = [["variable", "label", "kind", "description"]]
    rows.append(
        ["case", "Case (pseudonym)", "pseudonym", "Pseudonym of the case, stable within the study."]
    )
    for variable in VARIABLES:
        if variable.key in variables:
            kind = (
                "quasi-identifier"
                if variable.quasi
                else ("pseudonym" if variable.key in ("victim", "perpetrator") else "value")
            )
            rows.append([variable.key, str(variable.label), kind, str(variable.description)])
    return rows


def package(extract: Extract, result: anonymity.Result) -> bytes:
    study = extract.study
    variables = [v for v in VARIABLE_KEYS if v in study.variables]
    header = ["case", *variables]
    data = to_csv([header, *([row.get(name, "") for name in header] for row in result.rows)])
    units = ", ".join(extract.units.order_by("name").values_list("name", flat=True))
    readme = "\n".join(
        [
            f"IGOR research extract {extract.pk} of study {study.pk}: {study.name}",
            f"Ethics approval: {study.ethics_reference}",
            f"Period: {extract.period_start.isoformat()} – {extract.period_end.isoformat()}",
            f"Units: {units}",
            f"Created: {timezone.now().isoformat(timespec='seconds')}",
            f"Rows: {len(result.rows)}; k = {study.k}; generalisation level {result.level}; "
            f"rows with quasi-identifiers suppressed: {result.suppressed_rows}; rows dropped: {result.dropped_rows}",
            "Pseudonyms are stable within this study only. Dates are months. No free text.",
            "Files: extract.csv (UTF-8, semicolon-separated), data-dictionary.csv.",
        ]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("extract.csv", data)
        archive.writestr("data-dictionary.csv", to_csv(dictionary_rows(variables)))
        archive.writestr("README.txt", escape_formula(readme) + "\n")
    return buffer.getvalue()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
