"""Roles and what each may do: the one table of capabilities (ARCHITECTURE §3).

Capabilities answer "may this kind of user do this kind of thing at all". Which rows they may do it
to is the access policy's question (igor.sharing.policy).
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POLICE_OFFICER = "police_officer", _("Police officer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    UNIT_LEAD = "unit_lead", _("Unit lead")
    # Reads raw tips and tipster contact details, writes the sanitised summary (igor.tips).
    TRIAGE_OFFICER = "triage_officer", _("Tip triage officer")
    RESEARCHER = "researcher", _("Researcher")
    ADMINISTRATOR = "administrator", _("Administrator")


class Cap(StrEnum):
    VIEW_CASE_DATA = "view_case_data"  # persons, cases, incidents, journals of the own organisation
    EDIT_CASE_DATA = "edit_case_data"
    REVEAL_PROTECTED = "reveal_protected"  # see a protected person's address/phone, with a reason
    BREAK_GLASS = "break_glass"
    RECORD_SHARING = "record_sharing"  # record consent or a statutory basis
    APPROVE_DISCLOSURE = "approve_disclosure"  # decide a statutory disclosure someone else asked
    VIEW_AUDIT = "view_audit"
    VIEW_STATISTICS = "view_statistics"
    REGISTER_STUDIES = "register_studies"  # register research studies for the own units
    MANAGE_USERS = "manage_users"
    USE_API = "use_api"
    APPROVE_RISK = "approve_risk"  # approve a risk level judged below the instrument's suggestion
    VIEW_TIPS = "view_tips"  # the unit's tip queue and sanitised summaries, never the raw tip
    TRIAGE_TIPS = "triage_tips"  # raw tips, tipster contact details, triage and the dialogue
    MANAGE_TIP_LINE = "manage_tip_line"  # public texts, help directory, posters of the unit
    MANAGE_PROVIDERS = "manage_providers"  # keep the unit's registry of support providers


_CASE_WORK = frozenset(
    {
        Cap.VIEW_CASE_DATA,
        Cap.EDIT_CASE_DATA,
        Cap.REVEAL_PROTECTED,
        Cap.BREAK_GLASS,
        Cap.RECORD_SHARING,
        Cap.USE_API,
    }
)

CAPABILITIES: dict[Role, frozenset[Cap]] = {
    Role.POLICE_OFFICER: _CASE_WORK | {Cap.VIEW_TIPS},
    Role.SOCIAL_WORKER: _CASE_WORK | {Cap.VIEW_TIPS},
    Role.UNIT_LEAD: _CASE_WORK
    | {
        Cap.VIEW_AUDIT,
        Cap.VIEW_STATISTICS,
        Cap.APPROVE_RISK,
        Cap.REGISTER_STUDIES,
        Cap.MANAGE_PROVIDERS,
        Cap.APPROVE_DISCLOSURE,
        Cap.VIEW_TIPS,
        Cap.MANAGE_TIP_LINE,
    },
    Role.TRIAGE_OFFICER: _CASE_WORK | {Cap.VIEW_TIPS, Cap.TRIAGE_TIPS},
    Role.RESEARCHER: frozenset({Cap.VIEW_STATISTICS}),
    Role.ADMINISTRATOR: frozenset({Cap.MANAGE_USERS}),
}


class ActingRole(models.TextChoices):
    """The role a user states they act in on joint work (rule A8)."""

    INVESTIGATION = "investigation", _("Investigation")
    SUPPORT = "support", _("Support")


def default_acting_role(role: str) -> str:
    return ActingRole.INVESTIGATION if role == Role.POLICE_OFFICER else ActingRole.SUPPORT
