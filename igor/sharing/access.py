"""Reading sharing data: a person's bases, what a case shares, the disclosure register.

Everything here asks the access policy (igor/sharing/policy.py); nothing filters by organisation
by hand beyond what the policy's own-rows rule says.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from igor.accounts.models import User
from igor.audit.models import Disclosure
from igor.cases.models import Case, Party, PartyRole
from igor.lib.spreadsheet import escape_formula
from igor.people.models import Person
from igor.sharing import policy
from igor.sharing.models import Approval, ReportOfConcern, SharingBasis


def bases_about(person: Person) -> list[SharingBasis]:
    """Every basis the person's organisation recorded about them (the caller has A1 access)."""
    return list(
        SharingBasis.objects.filter(subject=person)
        .select_related("recipient", "case", "recorded_by", "withdrawn_by", "decided_by")
        .order_by("-recorded_at", "-id")
    )


@dataclass(frozen=True)
class SharedLine:
    basis: SharingBasis
    status: str
    outgoing: bool  # recorded by the reader's own organisation
    name_visible: bool  # the reader may see who the basis is about


def case_sharing(access: policy.Access[Case]) -> list[SharedLine]:
    """At a glance, what this case shares: bases about its parties (this case or all their cases),
    in which direction, on what basis, until when. The owner sees every basis; the other agency
    only those given to it."""
    case, scope = access.obj, access.scope
    parties = Party.objects.filter(case=case).values("person_id")
    bases = SharingBasis.objects.filter(
        Q(case=case) | Q(case__isnull=True, subject_id__in=parties)
    ).select_related("recipient", "organisation", "subject")
    if access.cross_wall:
        bases = bases.filter(recipient_id=scope.organisation_id)
    return [
        SharedLine(
            b,
            b.status_at(scope.now),
            outgoing=b.organisation_id == scope.organisation_id,
            name_visible=policy.sees_person(scope, b.subject),
        )
        for b in bases.order_by("-recorded_at", "-id")
    ]


def pending_for(user: User) -> QuerySet[SharingBasis]:
    """Disclosures of the lead's units that await a decision."""
    return (
        SharingBasis.objects.filter(approval=Approval.PENDING, unit_id__in=user.unit_ids())
        .select_related("subject", "recipient", "organisation", "recorded_by", "case")
        .order_by("recorded_at")
    )


def child_parties(case: Case) -> list[Party]:
    return list(Party.objects.filter(case=case, role=PartyRole.CHILD).select_related("person"))


def concern_prompt(access: policy.Access[Case]) -> list[Party]:
    """Children of a police case without a report of concern yet: the case prompts for one
    (requirement 8). Empty for social services and across the wall."""
    case = access.obj
    if access.cross_wall or case.organisation.kind != "police":
        return []
    reported = set(ReportOfConcern.objects.filter(case=case).values_list("child_id", flat=True))
    return [party for party in child_parties(case) if party.person_id not in reported]


# --- The disclosure register ---------------------------------------------------------------------


# The disclosure object types whose object id is a case: the case itself, its risk work and its
# support work (igor.risk, igor.support), each named apart so the register says what was read.
CASE_READS = ("case", "case_risk", "case_support")


def register_for_person(person: Person) -> QuerySet[Disclosure]:
    """What was disclosed about the person: reads of their details, reads under a basis about
    them, and reads of their cases under emergency access."""
    cases = Party.objects.filter(person=person).values("case_id")
    about = (
        Q(person_id=person.pk)
        | Q(basis__subject_id=person.pk)
        | Q(break_glass=True, object_type__in=CASE_READS, object_id__in=cases)
    )
    return (
        Disclosure.objects.filter(about, from_organisation_id=person.organisation_id)
        .select_related("actor", "to_organisation", "from_organisation", "basis")
        .order_by("-at", "-id")
    )


def register_for_unit(user: User) -> QuerySet[Disclosure]:
    """What was disclosed from or to the lead's organisation about persons of the lead's units."""
    persons = Person.objects.filter(unit_id__in=user.unit_ids()).values("pk")
    return (
        Disclosure.objects.filter(person_id__in=persons)
        .filter(
            Q(from_organisation_id=user.organisation_id)
            | Q(to_organisation_id=user.organisation_id)
        )
        .select_related("actor", "to_organisation", "from_organisation", "basis")
        .order_by("-at", "-id")
    )


REGISTER_COLUMNS = (
    "time",
    "disclosed",
    "item",
    "person",
    "from",
    "to",
    "by",
    "basis",
    "purpose",
)


def register_csv(rows: QuerySet[Disclosure], limit: int = 100_000) -> str:
    """The register as CSV for a data subject's request or a supervisory authority."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_COLUMNS)
    zone = timezone.get_current_timezone()
    for row in rows[:limit]:
        basis = row.basis
        writer.writerow(
            escape_formula(str(value))
            for value in [
                row.at.astimezone(zone).isoformat(timespec="seconds"),
                row.object_type,
                row.object_id,
                row.person_id or "",
                row.from_organisation.name,
                row.to_organisation.name,
                row.actor.get_full_name() or row.actor.get_username(),
                "break-the-glass" if row.break_glass else (basis.label() if basis else ""),
                basis.purpose if basis else "",
            ]
        )
    return out.getvalue()
