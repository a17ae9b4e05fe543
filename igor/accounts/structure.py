"""The standard installation used by `igor demo` and the test personas.

Two joint units (Södermalm and Norrmalm), each with its own police area and social-services
administration, and one staff member per role. Passwords and TOTP keys are set by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from igor.accounts.models import Organisation, OrganisationKind, Unit, User
from igor.accounts.roles import Role
from igor.audit.record import record


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    unit: str | None


UNITS = {
    "IGOR Södermalm": ("Lokalpolisområde Södermalm", "Södermalms stadsdelsförvaltning"),
    "IGOR Norrmalm": ("Lokalpolisområde Norrmalm", "Norrmalms stadsdelsförvaltning"),
}

STAFF = (
    StaffSpec(
        "polis.sodermalm",
        "Petra",
        "Lind",
        Role.POLICE_OFFICER,
        "Lokalpolisområde Södermalm",
        "IGOR Södermalm",
    ),
    StaffSpec(
        "soc.sodermalm",
        "Sara",
        "Holm",
        Role.SOCIAL_WORKER,
        "Södermalms stadsdelsförvaltning",
        "IGOR Södermalm",
    ),
    StaffSpec(
        "chef.sodermalm",
        "Carin",
        "Berg",
        Role.UNIT_LEAD,
        "Södermalms stadsdelsförvaltning",
        "IGOR Södermalm",
    ),
    StaffSpec(
        "polis.norrmalm",
        "Nils",
        "Ek",
        Role.POLICE_OFFICER,
        "Lokalpolisområde Norrmalm",
        "IGOR Norrmalm",
    ),
    StaffSpec(
        "soc.norrmalm",
        "Noor",
        "Sjö",
        Role.SOCIAL_WORKER,
        "Norrmalms stadsdelsförvaltning",
        "IGOR Norrmalm",
    ),
    StaffSpec(
        "chef.norrmalm",
        "Jonas",
        "Dahl",
        Role.UNIT_LEAD,
        "Lokalpolisområde Norrmalm",
        "IGOR Norrmalm",
    ),
    StaffSpec(
        "tips.sodermalm",
        "Tove",
        "Ros",
        Role.TRIAGE_OFFICER,
        "Södermalms stadsdelsförvaltning",
        "IGOR Södermalm",
    ),
    StaffSpec(
        "tips.norrmalm",
        "Tor",
        "Gran",
        Role.TRIAGE_OFFICER,
        "Norrmalms stadsdelsförvaltning",
        "IGOR Norrmalm",
    ),
    StaffSpec(
        "forskare", "Rut", "Forsberg", Role.RESEARCHER, "Södermalms stadsdelsförvaltning", None
    ),
    StaffSpec(
        "admin", "Adam", "Strand", Role.ADMINISTRATOR, "Södermalms stadsdelsförvaltning", None
    ),
)


@transaction.atomic
def ensure_structure(password: str | None = None) -> dict[str, User]:
    """Create the organisations, units and staff if missing; return staff by username."""
    organisations: dict[str, Organisation] = {}
    for unit_name, (police, social) in UNITS.items():
        pol, _ = Organisation.objects.get_or_create(
            name=police, defaults={"kind": OrganisationKind.POLICE}
        )
        soc, _ = Organisation.objects.get_or_create(
            name=social, defaults={"kind": OrganisationKind.SOCIAL_SERVICES}
        )
        organisations[police], organisations[social] = pol, soc
        Unit.objects.get_or_create(name=unit_name, defaults={"police": pol, "social_services": soc})
    users: dict[str, User] = {}
    for spec in STAFF:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "role": spec.role,
                "organisation": organisations[spec.organisation],
            },
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            if spec.unit:
                user.units.add(Unit.objects.get(name=spec.unit))
            record(
                actor=None,
                verb="create",
                object_type="user",
                object_id=user.pk,
                actor_label="system",
                purpose="create staff account",
                data={"role": spec.role},
            )
        users[spec.username] = user
    return users
