"""The authorization matrix: every URL and every API operation of IGOR, classified.

Each entry says who may reach it (public, any verified staff member, or a capability), which
methods it accepts, which row it is about and what a reader across the wall needs covered. The
expected outcome of every cell (persona × sharing state × method) follows from these entries by
the rules of ARCHITECTURE §4, written out below in plain Python, apart from the policy code.

The test walks the URL configuration and the OpenAPI schema and fails for anything not listed
here, and for anything listed here that no longer exists: a new view cannot slip past.

Outcomes: "200", "201", "204", "302" (a redirect that is the view's own answer), "login"
(redirect to the login page with ?next=), "verify" (redirect to the TOTP step), "401", "403",
"404", "405".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.authz.world import World

# --- Who asks ------------------------------------------------------------------------------------

# What each persona's role lets them do at all, stated here apart from igor/accounts/roles.py.
CASE_WORK = frozenset(
    {
        "view_case_data",
        "edit_case_data",
        "reveal_protected",
        "break_glass",
        "record_sharing",
        "use_api",
    }
)
# The unit's tip queue with sanitised summaries; the raw tip only for triage (igor.tips).
TIP_READERS = CASE_WORK | {"view_tips"}
LEAD = TIP_READERS | {
    "view_audit",
    "view_statistics",
    "register_studies",
    "manage_providers",
    "manage_tip_line",
    "approve_risk",
    "approve_disclosure",
}
TRIAGE = TIP_READERS | {"triage_tips"}
ROLE_CAN: dict[str, frozenset[str]] = {
    "police_a": TIP_READERS,
    "social_a": TIP_READERS,
    "lead_a": LEAD,
    "police_b": TIP_READERS,
    "social_b": TIP_READERS,
    "lead_b": LEAD,
    "triage_a": TRIAGE,
    "triage_b": TRIAGE,
    "researcher": frozenset({"view_statistics"}),
    "admin": frozenset({"manage_users"}),
}
STAFF_PERSONAS = tuple(ROLE_CAN)
# Not logged in; logged in (as police_a) but not past the TOTP step.
PAGE_PERSONAS = ("anonymous", "unverified", *STAFF_PERSONAS)


@dataclass(frozen=True)
class Who:
    name: str
    kind: str  # "anonymous" | "unverified" | "staff"
    organisation_id: int | None = None
    unit_ids: frozenset[int] = frozenset()
    can: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Wall:
    """Where the matrix's rows live: police of unit A own them, social services of unit A may
    receive them under a basis."""

    owner_organisation_id: int
    recipient_organisation_id: int
    unit_id: int

    def owns(self, who: Who) -> bool:
        return who.organisation_id == self.owner_organisation_id and self.unit_id in who.unit_ids

    def receives(self, who: Who) -> bool:
        return (
            who.organisation_id == self.recipient_organisation_id and self.unit_id in who.unit_ids
        )


# --- Sharing states of the rows --------------------------------------------------------------------

# The categories a consent can name (domain-sweden.md §8 requirement 3), but contact details: the
# world's subject has a protected identity, whose contact details no basis discloses (A5).
ALL_CATEGORIES = (
    "person",
    "cases",
    "incidents",
    "risk_assessment",
    "safety_plan",
    "support",
    "journal",
)


@dataclass(frozen=True)
class State:
    """What a basis in this state covers of the world's subject and case, at this moment."""

    covers: frozenset[str]
    about: str


def _covers(*names: str) -> frozenset[str]:
    return frozenset(names)


STATES: dict[str, State] = {
    "none": State(_covers(), "no basis: the other organisation sees nothing"),
    "consent": State(_covers(*ALL_CATEGORIES), "active consent covering everything"),
    "consent_person_only": State(_covers("person"), "consent for personal details only"),
    "consent_case_only": State(
        _covers("person", "cases"),
        "consent for the case alone: no incidents, journal, risk, safety plan or support",
    ),
    # A consent for incidents or the journal covers their case as well: one without is refused
    # (tests/test_policy_rules.py), so the nearest state is the case with its incidents only.
    "consent_incidents": State(
        _covers("person", "cases", "incidents"), "consent for the case and its incidents only"
    ),
    # Requirements 3 and 7: a consent naming the risk assessment, the safety plan or the support
    # and treatment status shows that and nothing more of the case's work.
    "consent_risk_assessment": State(
        _covers("person", "cases", "risk_assessment"),
        "consent for the case and its risk assessment only",
    ),
    "consent_safety_plan": State(
        _covers("person", "cases", "safety_plan"),
        "consent for the case and the safety plan only",
    ),
    "consent_support": State(
        _covers("person", "cases", "support"),
        "consent for the case and its support and treatment status only",
    ),
    "consent_narrowed": State(
        _covers("person"), "consent for everything, narrowed to personal details"
    ),
    "consent_purpose_changed": State(
        _covers(*ALL_CATEGORIES), "consent re-confirmed for a new purpose (the old one ended)"
    ),
    "consent_other_case": State(
        _covers("person"), "consent limited to another case of the same person"
    ),
    "consent_other_person": State(_covers(), "consent about somebody else"),
    "consent_expired": State(_covers(), "consent whose validity ended yesterday"),
    "consent_not_yet_valid": State(_covers(), "consent valid from tomorrow"),
    "consent_withdrawn": State(_covers(), "consent withdrawn"),
    "statutory": State(
        _covers(*ALL_CATEGORIES), "orosanmälan police → social services about a child party"
    ),
    "statutory_pending": State(
        _covers(), "OSL 10 kap. 2 § disclosure awaiting the unit lead's approval"
    ),
    "statutory_approved": State(
        _covers(*ALL_CATEGORIES), "OSL 10 kap. 2 § disclosure approved by another person"
    ),
    "statutory_refused": State(_covers(), "OSL 10 kap. 2 § disclosure refused by the lead"),
}


# --- Pages -----------------------------------------------------------------------------------------

PUBLIC = "public"  # @login_not_required
STAFF = "staff"  # any logged-in, verified staff member
# Rows of a world a page can be about; a "conference" is the unit's meeting (any member of the
# unit sees it, its cases follow the case rules), checked in the first world only.
RISK_TARGETS = ("risk_assessment", "safety_plan", "protective_measure", "conference_item")
OBJECT_TARGETS = ("person", "case", "incident", "task", "report", *RISK_TARGETS)
# What a reader across the wall needs covered to see risk work (igor/risk/access.py basis_flag):
# assessments, measures and conference minutes the risk assessment; plans and safe-contact rules
# the safety plan. Each category requires the case.
RISK = frozenset({"cases", "risk_assessment"})
SAFETY = frozenset({"cases", "safety_plan"})
# No sharing state discloses a draft report of concern: only its authors see it.
NEVER = frozenset({"a draft report of concern"})
# Rows of unit A that belong to the unit rather than one organisation (igor.tips): staff of unit A
# with the capability reach them; anyone else gets 404.
UNIT_TARGETS = ("tip", "tip_person", "help_entry")
SOCIAL_CASE_TITLE = "Socialtjänstens ärende"
# A research study of the wall's unit, registered by its lead, naming the researcher; its extract.
RESEARCH_TARGETS = ("study", "extract")

Payload = Callable[["World", "PageContext"], dict[str, Any]]


@dataclass(frozen=True)
class PageContext:
    """What a POST payload may need besides the world: the asker and spare rows."""

    who: Who
    unit_id: int | None
    spare_user_id: int


@dataclass(frozen=True)
class Page:
    name: str
    methods: tuple[str, ...]
    access: str  # PUBLIC, STAFF or a capability
    target: str | None = None  # "person" | "case" | "incident" | "task" | "staff_user" |
    # "provider" | None
    item: str | None = None  # the world row (World.extra) a route's item_pk names
    needs: frozenset[str] = frozenset()  # categories a reader across the wall needs covered
    writes: bool = False  # loaded for edit: only the owning organisation
    ok: Mapping[str, str] = field(default_factory=dict)  # outcome per method when allowed
    across: Mapping[str, str] = field(default_factory=dict)  # when allowed across the wall
    public: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (kind, method)
    payload: Payload | None = None
    fresh_session: bool = False  # the request ends the session: use a client of its own
    disclosed: str | None = None  # the object type a read across the wall records, if not target


def _nothing(world: World, context: PageContext) -> dict[str, Any]:
    return {}


def _person_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "unit": context.unit_id or "",
        "first_name": "Nyregistrerad",
        "last_name": "Matrisperson",
        "identity_kind": "none",
        "confirmed": "1",  # past the known-person check (tested in igor/people/tests)
    }


def _person_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    subject = world.subject
    return {
        "unit": subject.unit_id,
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "identity_kind": "none",
        "protection": subject.protection,
    }


def _case_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"unit": context.unit_id or "", "title": "Nytt matrisärende"}


def _case_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    case = world.case
    return {"title": case.title, "summary": case.summary, "owner": "", "status": case.status}


def _party_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"person": world.spare.pk, "role": "other"}


def _relation_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "from_party": world.perpetrator_party.pk,
        "kind": "former_partner",
        "to_party": world.subject_party.pk,
    }


def _incident_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"date": "2025-03-01", "time": "21:30", "kinds": ["psychological"]}


def _journal_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"text": "Samtal med den våldsutsatta."}


def _reveal_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"reason": "Behöver adressen inför hembesök i dag"}


def _search_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"q": "Subjekt"}


def _break_glass_payload(world: World, context: PageContext) -> dict[str, Any]:
    # Names nothing, so the matrix run grants no emergency access (rule A7 has its own tests).
    return {"target": "case", "identifier": "1900-0000000", "reason": "Akut fara för liv"}


def _login_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"username": "ingen.sadan", "password": "fel lösenord som är långt nog"}


def _code_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"code": "000000"}


def _language_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"language": "sv", "next": "/"}


def _acting_role_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"acting_role": "support", "next": "/"}


def _assessment_payload(world: World, context: PageContext) -> dict[str, Any]:
    from igor.risk.instruments import DEFAULT, current

    instrument = current(DEFAULT)
    assert instrument is not None
    answers = {f"item_{item.id}": "no" for item in instrument.items}
    return {
        "person": world.subject.pk,
        **answers,
        "assessed_on": "2026-11-20",
        "level": "medium",
        "rationale": "Upptrappning enligt henne själv.",
        "save": "1",
    }


def _external_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.subject.pk,
        "instrument_name": "PATRIARK",
        "assessed_on": "2026-11-20",
        "assessor_name": "Inspektör Matris",
        "level": "high",
        "rationale": "Sammanfattning med egna ord.",
    }


def _victim_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.subject.pk,
        "assessed_on": "2026-11-20",
        "level": "high",
        "in_her_words": "Jag är rädd att han kommer tillbaka.",
    }


def _decision_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"decision": "approve"}


def _plan_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"section_before": "Väska hos grannen.", "print_before": "on", "language": "sv"}


def _safe_contact_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"safe_times": "Vardagar 9–11", "sms_allowed": "on"}


def _measure_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.subject.pk,
        "kind": "alarm_package",
        "status": "applied",
        "applied_on": "2026-11-20",
    }


def _measure_update_payload(world: World, context: PageContext) -> dict[str, Any]:
    measure = world.extra["protective_measure"]
    return {
        "status": measure.status,
        "decided_on": measure.decided_on.isoformat(),
        "starts_on": measure.starts_on.isoformat(),
        "expires_on": measure.expires_on.isoformat(),
        "note": "",
    }


def _breach_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"date": "2026-11-20", "time": "22:00", "description": "Ringde trots förbudet."}


def _conference_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"unit": context.unit_id or "", "kind": "huddle", "held_on": "2026-11-27"}


def _minutes_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"summary": "Hög risk.", "minutes": "Polisen ansöker om kontaktförbud."}


def _conference_action_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"description": "Följ upp larmet", "owner": world.case.owner_id, "due_on": "2026-12-04"}


def _action_done_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"action": world.extra["conference_action"].pk, "done": "1", "back": "item"}


def _no_basis_payload(world: World, context: PageContext) -> dict[str, Any]:
    # Names no basis of the person: the page again with the error (the world stays as it is).
    return {"basis": "999999999", "step": "withdraw"}


def _incomplete_consent_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"categories": ["person"], "given_by": "subject", "consent_form": "oral"}


def _decision_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"basis": "999999999", "decision": "approve"}


def _incomplete_concern_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"concern": "Oro för barnet"}


def _concern_step_payload(world: World, context: PageContext) -> dict[str, Any]:
    # The recipient's step on a draft: refused with a message, nothing changes.
    return {"step": "respond", "response": "Återkoppling"}


def _triage_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"urgency": "within_day", "assigned_to": ""}


def _summary_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"summary": "Oro för en kvinna och två barn.", "protect_tipster": "on"}


def _link_case_payload(world: World, context: PageContext) -> dict[str, Any]:
    # Triage sits in social services: it adds tips to its own organisation's cases (the run's
    # tests.authz.harness.TipRows.case).
    from igor.cases.models import Case

    case = Case.objects.get(title=SOCIAL_CASE_TITLE)
    return {"reference": case.reference}


def _open_case_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"title": "Ärende från tips"}


def _outcome_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"outcome": "no_action", "reason": "Uppgifterna gick inte att bekräfta."}


def _tip_message_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"body": "Vet du hur många barn som bor där?"}


def _tip_line_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"slug": f"enhet-{context.unit_id}", "open": "on"}


def _texts_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "language": "sv",
        "intro": "Välkommen till oss.",
        "poster_heading": "",
        "poster_body": "",
    }


def _help_entry_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"name": "Kvinnojouren", "helps_with": "Stöd till kvinnor", "position": 1}


# --- support payloads: each names the world's own rows (World.extra)


def _outreach_plan_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.perpetrator.pk,
        "method": "home_visit",
        "planned_for": "2099-01-05T18:00",
    }


def _outreach_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.perpetrator.pk,
        "method": "home_visit",
        "done_at": "2025-03-02T18:00",
        "result": "not_reached",
    }


def _referral_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.perpetrator.pk,
        "provider": world.extra["provider"].pk,
        "purpose": "Behandlingsprogram",
        "sent_on": "2025-03-03",
    }


def _referral_step_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"status": "withdrawn", "on": world.extra["referral"].sent_on.isoformat()}


def _intervention_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"person": world.subject.pk, "kind": "advice", "started_on": "2025-03-01"}


def _end_intervention_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"ended_on": world.extra["intervention"].started_on.isoformat(), "outcome": "achieved"}


def _transport_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.subject.pk,
        "purpose": "court",
        "departs_at": "2099-01-05T08:00",
        "from_place": "Hämtplats",
        "to_place": "Stockholms tingsrätt",
        # The victim's safe-contact rules were on the form (igor.support.views._case_form).
        "safe_contact_seen": world.subject.pk,
    }


def _outreach_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"method": "phone", "planned_for": "2099-01-06T18:00"}


def _transport_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    # The world's victim is protected (she is in sheltered housing): empty places keep hers.
    return {
        "purpose": "court",
        "departs_at": "2099-01-05T08:30",
        "safe_contact_seen": world.subject.pk,
    }


def _referral_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "provider": world.extra["provider"].pk,
        "purpose": "Behandlingsprogram, rättat",
        "sent_on": world.extra["referral"].sent_on.isoformat(),
    }


def _intervention_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    started = world.extra["intervention"].started_on.isoformat()
    return {"kind": "advice", "started_on": started, "notes": "Rättad"}


def _task_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "title": "Ring tillbaka i morgon",
        "due_on": "2099-01-02",
        "unit": context.unit_id or "",
    }


def _transport_status_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"status": "cancelled"}


def _placement_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.subject.pk,
        "provider": world.extra["provider"].pk,
        "moved_in_on": "2025-03-01",
        "address": "Hemlig gata 1",
    }


def _move_out_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"moved_out_on": world.extra["placement"].moved_in_on.isoformat()}


def _support_reveal_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"reason": "Ska köra henne till förhöret"}


def _legal_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"report_number": "K555-26", "investigation": "ongoing"}


def _legal_event_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "process": world.extra["legal_process"].pk,
        "kind": "main_hearing",
        "at": "2099-02-01T09:30",
    }


def _snapshot_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {
        "person": world.perpetrator.pk,
        "stage": "intake",
        "danger_level": "high",
        "violence_ongoing": "yes",
        "safety": "unsafe",
        "support_received": "no",
    }


def _close_payload(world: World, context: PageContext) -> dict[str, Any]:
    # No reason: the form again. Closing the world's case would hide it from the case list the
    # other cells check; closing is tested on its own.
    return {"note": "Avslut"}


def _task_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"title": "Ring socialtjänsten", "due_on": "2099-01-01", "unit": context.unit_id or ""}


def _provider_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"name": f"Ny utförare {context.who.name}", "kind": "treatment", "active": "on"}


def _provider_edit_payload(world: World, context: PageContext) -> dict[str, Any]:
    return {"name": world.extra["provider"].name, "kind": "sheltered_housing", "capacity": "6"}


def _study_payload(world: World, context: PageContext) -> dict[str, Any]:
    from igor.accounts.models import User

    return {
        "name": "Matrisstudie",
        "ethics_reference": "Dnr 2026-00001-01",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "units": [context.unit_id or ""],
        "variables": ["status"],
        "researcher": User.objects.get(role="researcher").pk,
        "k": 5,
    }


def _extract_payload(world: World, context: PageContext) -> dict[str, Any]:
    from igor.stats.models import Study

    study = Study.objects.get(name="Matrisstudie i världen")
    return {
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "units": list(study.units.values_list("pk", flat=True)),
    }


def _on_every_kind(get: str, post: str) -> dict[tuple[str, str], str]:
    return {
        (kind, method): outcome
        for kind in ("anonymous", "unverified", "staff")
        for method, outcome in (("GET", get), ("POST", post))
    }


# A case's support rows: across the wall they need the case and its support and treatment status
# covered (the legal process on the page follows the incidents); see igor/support/access.py.
SUPPORT_NEEDS = _covers("cases", "support")

READ = ("GET",)
FORM = ("GET", "POST")
ACTION = ("POST",)

PAGES: dict[str, Page] = {
    page.name: page
    for page in (
        Page("home", READ, STAFF, ok={"GET": "200"}),
        Page("accessibility", READ, PUBLIC, public=_on_every_kind("200", "405")),
        Page("health", READ, PUBLIC, public=_on_every_kind("200", "405")),
        Page(
            "set_language",
            FORM,
            PUBLIC,
            public=_on_every_kind("302", "302"),
            payload=_language_payload,
        ),
        # --- accounts
        Page(
            "accounts:login",
            FORM,
            PUBLIC,
            public={
                ("anonymous", "GET"): "200",
                ("anonymous", "POST"): "200",  # wrong password: the form again
                ("unverified", "GET"): "200",
                ("unverified", "POST"): "200",
                ("staff", "GET"): "302",  # already in: to the start page
                ("staff", "POST"): "302",
            },
            payload=_login_payload,
        ),
        Page(
            "accounts:verify",
            FORM,
            PUBLIC,
            public={
                ("anonymous", "GET"): "302",  # to the first step
                ("anonymous", "POST"): "302",
                ("unverified", "GET"): "200",
                ("unverified", "POST"): "200",  # wrong code: the form again
                ("staff", "GET"): "200",
                ("staff", "POST"): "200",
            },
            payload=_code_payload,
        ),
        Page(
            "accounts:logout",
            ACTION,
            PUBLIC,
            public=_on_every_kind("405", "302"),
            payload=_nothing,
            fresh_session=True,
        ),
        Page(
            "accounts:acting_role",
            ACTION,
            STAFF,
            ok={"POST": "302"},
            payload=_acting_role_payload,
        ),
        Page("accounts:session_ping", READ, STAFF, ok={"GET": "204"}),
        Page("accounts:staff", READ, "manage_users", ok={"GET": "200"}),
        Page(
            "accounts:deactivate",
            ACTION,
            "manage_users",
            target="staff_user",
            ok={"POST": "302"},
            payload=_nothing,
        ),
        Page(
            "accounts:issue_authenticator",
            ACTION,
            "manage_users",
            target="staff_user",
            ok={"POST": "200"},  # the new key, shown once
            payload=_nothing,
        ),
        Page(
            "accounts:end_sessions",
            ACTION,
            "manage_users",
            target="staff_user",
            ok={"POST": "302"},
            payload=_nothing,
        ),
        # --- people
        Page(
            "people:search",
            FORM,
            "view_case_data",
            ok={"GET": "200", "POST": "200"},
            payload=_search_payload,
        ),
        Page(
            "people:create",
            FORM,
            "edit_case_data",
            ok={"GET": "200", "POST": "302"},
            payload=_person_payload,
        ),
        Page(
            "people:detail",
            READ,
            "view_case_data",
            target="person",
            needs=_covers("person"),
            ok={"GET": "200"},
        ),
        Page(
            "people:edit",
            FORM,
            "edit_case_data",
            target="person",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_person_edit_payload,
        ),
        Page(
            "people:reveal",
            ACTION,
            "reveal_protected",
            target="person",
            needs=_covers("person"),
            ok={"POST": "200"},
            across={"POST": "403"},  # seen under a basis, but protected details never (A5)
            payload=_reveal_payload,
        ),
        Page("people:duplicates", READ, "edit_case_data", ok={"GET": "200"}),
        # Without a pair or merge named: the review page again with a message.
        Page("people:merge", ACTION, "edit_case_data", ok={"POST": "422"}, payload=_nothing),
        Page("people:distinct", ACTION, "edit_case_data", ok={"POST": "422"}, payload=_nothing),
        Page("people:undo_merge", ACTION, "edit_case_data", ok={"POST": "422"}, payload=_nothing),
        Page("people:alerts", READ, "view_case_data", ok={"GET": "200"}),
        # --- cases
        Page("cases:list", READ, "view_case_data", ok={"GET": "200"}),
        Page(
            "cases:create",
            FORM,
            "edit_case_data",
            ok={"GET": "200", "POST": "302"},
            payload=_case_payload,
        ),
        Page(
            "cases:detail",
            READ,
            "view_case_data",
            target="case",
            needs=_covers("cases"),
            ok={"GET": "200"},
        ),
        Page(
            "cases:edit",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_case_edit_payload,
        ),
        Page(
            "cases:add_party",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_party_payload,
        ),
        Page(
            "cases:relate",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_relation_payload,
        ),
        Page(
            "cases:add_incident",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_incident_payload,
        ),
        Page(
            "cases:incident",
            READ,
            "view_case_data",
            target="incident",
            needs=_covers("cases", "incidents"),
            ok={"GET": "200"},
        ),
        Page(
            "cases:add_journal_entry",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_journal_payload,
        ),
        # --- support
        Page("support:caseload", READ, "view_case_data", ok={"GET": "200"}),
        Page("support:calendar", READ, "view_case_data", ok={"GET": "200"}),
        Page("support:tasks", READ, "view_case_data", ok={"GET": "200"}),
        Page(
            "support:add_task",
            FORM,
            "edit_case_data",
            ok={"GET": "200", "POST": "302"},
            payload=_task_payload,
        ),
        Page(
            "support:edit_task",
            FORM,
            "edit_case_data",
            target="task",  # an organisation's own work list: never across the wall
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_task_edit_payload,
        ),
        Page(
            "support:complete_task",
            ACTION,
            "edit_case_data",
            target="task",  # an organisation's own work list: never across the wall
            writes=True,
            ok={"POST": "302"},
            payload=_nothing,
        ),
        Page("support:providers", READ, "view_case_data", ok={"GET": "200"}),
        Page(
            "support:add_provider",
            FORM,
            "manage_providers",
            ok={"GET": "200", "POST": "302"},
            payload=_provider_payload,
        ),
        Page(
            "support:edit_provider",
            FORM,
            "manage_providers",
            target="provider",
            ok={"GET": "200", "POST": "302"},
            payload=_provider_edit_payload,
        ),
        Page(
            "support:case",
            READ,
            "view_case_data",
            target="case",
            needs=SUPPORT_NEEDS,
            ok={"GET": "200"},
            disclosed="case_support",
        ),
        Page(
            "support:reveal",
            ACTION,
            "reveal_protected",
            target="case",
            needs=SUPPORT_NEEDS,
            # The owner works with the world's person using violence (a party of the case), so
            # the shelter address stays hidden from him too (A5); across the wall never.
            ok={"POST": "403"},
            payload=_support_reveal_payload,
        ),
        Page(
            "support:plan_outreach",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_outreach_plan_payload,
        ),
        Page(
            "support:record_outreach",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_outreach_payload,
        ),
        Page(
            "support:edit_outreach",
            FORM,
            "edit_case_data",
            target="case",
            item="outreach",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_outreach_edit_payload,
        ),
        Page(
            "support:cancel_outreach",
            ACTION,
            "edit_case_data",
            target="case",
            item="outreach",
            writes=True,
            ok={"POST": "302"},
            payload=_nothing,
        ),
        Page(
            "support:add_referral",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_referral_payload,
        ),
        Page(
            "support:edit_referral",
            FORM,
            "edit_case_data",
            target="case",
            item="referral",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_referral_edit_payload,
        ),
        Page(
            "support:referral_step",
            FORM,
            "edit_case_data",
            target="case",
            item="referral",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_referral_step_payload,
        ),
        Page(
            "support:add_intervention",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_intervention_payload,
        ),
        Page(
            "support:edit_intervention",
            FORM,
            "edit_case_data",
            target="case",
            item="intervention",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_intervention_edit_payload,
        ),
        Page(
            "support:end_intervention",
            FORM,
            "edit_case_data",
            target="case",
            item="intervention",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_end_intervention_payload,
        ),
        Page(
            "support:add_transport",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_transport_payload,
        ),
        Page(
            "support:edit_transport",
            FORM,
            "edit_case_data",
            target="case",
            item="transport",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_transport_edit_payload,
        ),
        Page(
            "support:transport_status",
            FORM,
            "edit_case_data",
            target="case",
            item="transport",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_transport_status_payload,
        ),
        Page(
            "support:add_placement",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_placement_payload,
        ),
        Page(
            "support:end_placement",
            FORM,
            "edit_case_data",
            target="case",
            item="placement",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_move_out_payload,
        ),
        Page(
            "support:legal",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_legal_payload,
        ),
        Page(
            "support:add_legal_event",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_legal_event_payload,
        ),
        Page(
            "support:snapshot",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_snapshot_payload,
        ),
        Page(
            "support:close",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "200"},
            payload=_close_payload,
        ),
        # --- sharing, audit
        Page(
            "sharing:break_glass",
            FORM,
            "break_glass",
            ok={"GET": "200", "POST": "200"},  # names nothing: the form with an error
            payload=_break_glass_payload,
        ),
        Page("audit:search", READ, "view_audit", ok={"GET": "200"}),
        # --- risk
        Page("risk:overview", READ, "view_case_data", ok={"GET": "200"}),
        Page(
            "risk:case",
            READ,
            "view_case_data",
            target="case",
            needs=RISK,
            ok={"GET": "200"},
            disclosed="case_risk",
        ),
        Page(
            "risk:assess",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_assessment_payload,
        ),
        Page(
            "risk:record_external",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_external_payload,
        ),
        Page(
            "risk:record_victim",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_victim_payload,
        ),
        Page(
            "risk:assessment",
            READ,
            "view_case_data",
            target="risk_assessment",
            needs=RISK,
            ok={"GET": "200"},
        ),
        Page(
            "risk:scan",
            READ,
            "view_case_data",
            target="risk_assessment",
            needs=RISK,
            ok={"GET": "200"},
        ),
        Page(
            "risk:decide",
            ACTION,
            "approve_risk",
            target="risk_assessment",
            writes=True,
            ok={"POST": "302"},
            payload=_decision_payload,
        ),
        Page(
            "risk:plan",
            READ,
            "view_case_data",
            target="safety_plan",
            needs=SAFETY,
            ok={"GET": "200"},
        ),
        Page(
            "risk:plan_edit",
            FORM,
            "edit_case_data",
            target="safety_plan",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_plan_payload,
        ),
        Page(
            "risk:plan_pdf",
            READ,
            "view_case_data",
            target="safety_plan",
            needs=SAFETY,
            ok={"GET": "200"},
        ),
        Page(
            "risk:safe_contact",
            FORM,
            "edit_case_data",
            target="person",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_safe_contact_payload,
        ),
        Page(
            "risk:add_measure",
            FORM,
            "edit_case_data",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_measure_payload,
        ),
        Page(
            "risk:measure",
            FORM,
            "view_case_data",
            target="protective_measure",
            needs=RISK,
            ok={"GET": "200", "POST": "302"},
            across={"POST": "404"},  # seen under a basis, changed only by its owner
            payload=_measure_update_payload,
        ),
        Page(
            "risk:breach",
            FORM,
            "edit_case_data",
            target="protective_measure",
            writes=True,
            ok={"GET": "200", "POST": "302"},
            payload=_breach_payload,
        ),
        Page("risk:conferences", READ, "view_case_data", ok={"GET": "200"}),
        Page(
            "risk:create_conference",
            FORM,
            "edit_case_data",
            ok={"GET": "200", "POST": "302"},
            payload=_conference_payload,
        ),
        Page("risk:conference", READ, "view_case_data", target="conference", ok={"GET": "200"}),
        Page(
            "risk:fill_agenda",
            ACTION,
            "edit_case_data",
            target="conference",
            ok={"POST": "302"},
            payload=_nothing,
        ),
        Page(
            "risk:conference_item",
            FORM,
            "view_case_data",
            target="conference_item",
            needs=RISK,
            ok={"GET": "200", "POST": "302"},
            across={"POST": "404"},  # minutes are written by the case's organisation
            payload=_minutes_payload,
        ),
        Page(
            "risk:conference_action",
            ACTION,
            "edit_case_data",
            target="conference_item",
            writes=True,
            ok={"POST": "302"},
            payload=_conference_action_payload,
        ),
        Page(
            "risk:conference_action_done",
            ACTION,
            "edit_case_data",
            target="conference_item",
            writes=True,  # the action's owning organisation (the world's owner) only
            ok={"POST": "302"},
            payload=_action_done_payload,
        ),
        # --- consent, statutory disclosures, register, reports of concern: the controller only
        Page(
            "sharing:person",
            FORM,
            "record_sharing",
            target="person",
            writes=True,
            ok={"GET": "200", "POST": "200"},
            payload=_no_basis_payload,
        ),
        Page(
            "sharing:record_consent",
            FORM,
            "record_sharing",
            target="person",
            writes=True,
            ok={"GET": "200", "POST": "200"},  # no purpose: the form with the error
            payload=_incomplete_consent_payload,
        ),
        Page(
            "sharing:record_statutory",
            FORM,
            "record_sharing",
            target="person",
            writes=True,
            ok={"GET": "200", "POST": "200"},  # no ground chosen: the list of grounds
            payload=_nothing,
        ),
        Page(
            "sharing:consent_pdf",
            READ,
            "record_sharing",
            target="person",
            writes=True,
            ok={"GET": "200"},
        ),
        Page(
            "sharing:signed_form",
            READ,
            "record_sharing",
            target="person",
            writes=True,
            ok={"GET": "404"},  # names no consent with a signed form
        ),
        Page(
            "sharing:person_register",
            READ,
            "record_sharing",
            target="person",
            writes=True,
            ok={"GET": "200"},
        ),
        Page("sharing:unit_register", READ, "view_audit", ok={"GET": "200"}),
        Page(
            "sharing:approvals",
            FORM,
            "approve_disclosure",
            ok={"GET": "200", "POST": "200"},
            payload=_decision_payload,
        ),
        Page("sharing:concern_queue", READ, "record_sharing", ok={"GET": "200"}),
        Page(
            "sharing:draft_concern",
            FORM,
            "record_sharing",
            target="case",
            writes=True,
            ok={"GET": "200", "POST": "200"},
            payload=_incomplete_concern_payload,
        ),
        Page(
            "sharing:concern",
            FORM,
            "record_sharing",
            target="report",
            needs=NEVER,
            ok={"GET": "200", "POST": "200"},
            payload=_concern_step_payload,
        ),
        # --- the public tip line (igor.tips): no login; a POST without the form's own token is
        # refused like a failed CSRF check (403), and the matrix client sends none.
        Page("tipline:index", READ, PUBLIC, public=_on_every_kind("200", "405")),
        Page(
            "tipline:exit",
            READ,
            PUBLIC,
            public=_on_every_kind("302", "405"),
            fresh_session=True,  # it ends the session, staff or not
        ),
        Page("tipline:start", READ, PUBLIC, target="tip_line", public=_on_every_kind("200", "405")),
        Page("tipline:tip", FORM, PUBLIC, target="tip_line", public=_on_every_kind("200", "403")),
        # No code waiting in this session: on to the thank-you page.
        Page(
            "tipline:receipt", FORM, PUBLIC, target="tip_line", public=_on_every_kind("302", "403")
        ),
        Page("tipline:sent", READ, PUBLIC, target="tip_line", public=_on_every_kind("200", "405")),
        Page(
            "tipline:contact_me",
            FORM,
            PUBLIC,
            target="tip_line",
            public=_on_every_kind("200", "403"),
        ),
        Page(
            "tipline:help_to_stop",
            FORM,
            PUBLIC,
            target="tip_line",
            public=_on_every_kind("200", "403"),
        ),
        Page(
            "tipline:thanks", READ, PUBLIC, target="tip_line", public=_on_every_kind("200", "405")
        ),
        Page("tipline:help", READ, PUBLIC, target="tip_line", public=_on_every_kind("200", "405")),
        Page("tipline:hide", READ, PUBLIC, target="tip_line", public=_on_every_kind("200", "405")),
        Page("tipline:code", FORM, PUBLIC, target="tip_line", public=_on_every_kind("200", "403")),
        # Without a code entered in this session: back to the code page.
        Page(
            "tipline:dialogue", FORM, PUBLIC, target="tip_line", public=_on_every_kind("302", "403")
        ),
        Page(
            "tipline:delete_reply",
            ACTION,
            PUBLIC,
            target="tip_line_message",
            public=_on_every_kind("405", "403"),
        ),
        Page(
            "tipline:end_dialogue",
            ACTION,
            PUBLIC,
            target="tip_line",
            public=_on_every_kind("405", "403"),
        ),
        # --- tips, staff side: unit A's tip; the raw tip only for triage (see _expected_markers)
        Page("tips:queue", READ, "view_tips", ok={"GET": "200"}),
        Page("tips:detail", READ, "view_tips", target="tip", ok={"GET": "200"}),
        Page(
            "tips:triage",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},
            payload=_triage_payload,
        ),
        Page(
            "tips:summary",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},
            payload=_summary_payload,
        ),
        Page(
            "tips:link_person",
            FORM,
            "triage_tips",
            target="tip",
            ok={"GET": "200", "POST": "200"},  # a search: the results
            payload=_search_payload,
        ),
        Page(
            "tips:unlink_person",
            ACTION,
            "triage_tips",
            target="tip_person",
            ok={"POST": "302"},  # not linked: back to the tip with a message
            payload=_nothing,
        ),
        Page(
            "tips:link_case",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},
            payload=_link_case_payload,
        ),
        Page(
            "tips:open_case",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},
            payload=_open_case_payload,
        ),
        Page(
            "tips:outcome",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},
            payload=_outcome_payload,
        ),
        Page(
            "tips:reopen",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},  # not closed: back to the tip with a message
            payload=_nothing,
        ),
        Page(
            "tips:message",
            ACTION,
            "triage_tips",
            target="tip",
            ok={"POST": "302"},
            payload=_tip_message_payload,
        ),
        Page(
            "tips:line",
            FORM,
            "manage_tip_line",
            ok={"GET": "200", "POST": "302"},
            payload=_tip_line_payload,
        ),
        Page("tips:texts", ACTION, "manage_tip_line", ok={"POST": "302"}, payload=_texts_payload),
        Page(
            "tips:add_help_entry",
            ACTION,
            "manage_tip_line",
            ok={"POST": "302"},
            payload=_help_entry_payload,
        ),
        Page(
            "tips:help_entry",
            FORM,
            "manage_tip_line",
            target="help_entry",
            ok={"GET": "200", "POST": "302"},
            payload=_help_entry_payload,
        ),
        # Without a language chosen: back to the settings page with a message.
        Page("tips:poster", READ, "manage_tip_line", ok={"GET": "302"}),
        # --- statistics (aggregates only; studies by their researcher and their units' leads)
        Page("stats:dashboard", READ, "view_statistics", ok={"GET": "200"}),
        Page("stats:export_csv", READ, "view_statistics", ok={"GET": "200"}),
        Page("stats:export_xlsx", READ, "view_statistics", ok={"GET": "200"}),
        Page("stats:dictionary", READ, "view_statistics", ok={"GET": "200"}),
        Page("stats:studies", READ, "view_statistics", ok={"GET": "200"}),
        Page("stats:register", READ, "view_statistics", ok={"GET": "200"}),
        Page(
            "stats:register_study",
            FORM,
            "register_studies",
            ok={"GET": "200", "POST": "302"},
            payload=_study_payload,
        ),
        Page(
            "stats:study",
            FORM,
            "view_statistics",
            target="study",
            ok={"GET": "200", "POST": "302"},
            payload=_extract_payload,
        ),
        Page("stats:extract", READ, "view_statistics", target="extract", ok={"GET": "200"}),
        Page(
            "stats:download_extract", READ, "view_statistics", target="extract", ok={"GET": "200"}
        ),
        Page(
            "stats:retry_extract",
            ACTION,
            "view_statistics",
            target="extract",
            ok={"POST": "409"},  # the world's extract is finished: nothing to start again
            payload=_nothing,
        ),
    )
}


def expected(page: Page, wall: Wall, who: Who, state: str, method: str) -> str:
    """The outcome of one cell, from the rules (ARCHITECTURE §4) and the page's classification."""
    if page.access == PUBLIC:
        return page.public[(who.kind, method)]
    if who.kind == "anonymous":
        return "login"
    if who.kind == "unverified":
        return "verify"
    if page.access != STAFF and page.access not in who.can:
        return "403"
    if method not in page.methods:
        return "405"
    if page.target == "conference":  # the unit's meeting: its members, whichever organisation
        return page.ok[method] if wall.unit_id in who.unit_ids else "404"
    if page.target in UNIT_TARGETS or page.target == "provider":  # rows of the unit
        return page.ok[method] if wall.unit_id in who.unit_ids else "404"
    if page.target in RESEARCH_TARGETS:
        return page.ok[method] if sees_study(wall, who) else "404"
    if page.target not in OBJECT_TARGETS or wall.owns(who):
        return page.ok[method]
    if page.writes or not wall.receives(who) or not page.needs <= STATES[state].covers:
        return "404"
    return page.across.get(method, page.ok[method])


def sees_study(wall: Wall, who: Who) -> bool:
    """Rule A6: the study's own researcher, or a lead of every unit it covers (the wall's)."""
    if who.name == "researcher":
        return True
    return "register_studies" in who.can and wall.unit_id in who.unit_ids


def sees(wall: Wall, who: Who, state: str, categories: frozenset[str]) -> bool:
    """Whether a staff member sees this part of a world's rows (A1, A2, A6)."""
    if "view_case_data" not in who.can:
        return False
    return wall.owns(who) or (wall.receives(who) and categories <= STATES[state].covers)


# --- The API ---------------------------------------------------------------------------------------

API_NAMESPACE = "api"
# Not logged in at all; a verified staff session (police_a) but no token: the API takes tokens only.
API_PERSONAS = ("anonymous", "session", *STAFF_PERSONAS)
# API URL patterns that are not operations of the schema, with what anybody gets from them.
API_OTHER_URLS = {"api:openapi-json": "200", "api:api-root": "404"}

ApiPayload = Callable[["World"], Any]


def _api_person(world: World) -> dict[str, Any]:
    return {"first_name": "Api", "last_name": "Matrisperson", "identity_kind": "none"}


def _api_search(world: World) -> dict[str, Any]:
    return {"q": "Subjekt"}


def _api_match(world: World) -> dict[str, Any]:
    return {"name": f"Vera {world.markers['subject_name']}"}


def _api_case(world: World) -> dict[str, Any]:
    return {"title": "Api-ärende"}


def _api_incident(world: World) -> dict[str, Any]:
    return {"occurred_at": "2025-03-01T21:30:00+01:00", "kinds": ["psychological"]}


def _api_journal(world: World) -> dict[str, Any]:
    return {"text": "Anteckning via API"}


def _api_assessment(world: World) -> dict[str, Any]:
    from igor.risk.instruments import DEFAULT, current

    instrument = current(DEFAULT)
    assert instrument is not None
    return {
        "person": world.subject.pk,
        "answers": {item.id: "no" for item in instrument.items},
        "level": "medium",
        "rationale": "Via API",
    }


def _api_consent(world: World) -> dict[str, Any]:
    giver = (
        {"given_by": "guardian", "given_by_name": "Vårdnadshavare Matris"}
        if world.subject_party.role == "child"
        else {"given_by": "subject"}
    )
    return {
        "categories": ["person", "cases"],
        "purpose": "Samordnat stöd",
        "witness": "Vera Vittne",
        **giver,
    }


def _api_outreach(world: World) -> dict[str, Any]:
    return {
        "person": world.perpetrator.pk,
        "method": "phone",
        "done_at": "2025-03-02T18:00:00+01:00",
        "result": "reached",
        "offer": "treatment",
        "answer": "thinking",
    }


def _api_statutory(world: World) -> dict[str, Any]:
    return {
        "ground": "osl_10_2",
        "conditions": ["necessary"],
        "details": {"justification": "Behövs för skyddet"},
        "categories": ["person"],
        "purpose": "Skydd",
    }


def _api_concern(world: World) -> dict[str, Any]:
    return {"child": world.report.child_id, "concern": "Oro via API", "justification": "Hörde"}


def _api_decision(world: World) -> dict[str, Any]:
    return {"decision": "approve"}


def _api_response(world: World) -> dict[str, Any]:
    return {"response": "Återkoppling via API"}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    cap: str
    # "person" | "case" | "incident" | "journal" | "basis" (the world's basis) | "report" (the
    # world's draft report of concern)
    target: str | None = None
    needs: frozenset[str] = frozenset()
    writes: bool = False
    ok: str = "200"
    disclosed: str | None = None  # the object type a read across the wall records
    payload: ApiPayload | None = None
    # For an operation whose outcome the rules above do not give: (wall, who, state) -> outcome,
    # asked once the caller holds the token and the capability.
    expect: Callable[[Wall, Who, str], str] | None = None


def _own_basis(wall: Wall, who: Who, state: str) -> str:
    """A basis is read by its subject's organisation only; the world of no basis has none."""
    return "200" if wall.owns(who) and state != "none" else "404"


def _withdrawal(wall: Wall, who: Who, state: str) -> str:
    """Its subject's organisation withdraws a basis, once: an ended one is refused."""
    if _own_basis(wall, who, state) != "200":
        return "404"
    return "422" if state.endswith("withdrawn") else "200"


def _decision(wall: Wall, who: Who, state: str) -> str:
    """The lead of the wall's unit (not the requester, police_a) decides a pending disclosure;
    any other basis of the unit is not awaiting a decision; other units' bases are not found."""
    if wall.unit_id not in who.unit_ids or state == "none":
        return "404"
    return "200" if state == "statutory_pending" else "422"


def _recipients_step(wall: Wall, who: Who, state: str) -> str:
    """Receiving and answering are the recipient's steps on a sent report; the world's report
    is a draft, which only its police see, and to them it is not theirs to receive."""
    return "404"


API_OPERATIONS: dict[str, Operation] = {
    op.operation_id: op
    for op in (
        Operation("persons_list", "GET", "view_case_data"),
        Operation("persons_search", "POST", "view_case_data", payload=_api_search),
        # Candidates the caller may see; across the wall only a hint (checked by the markers).
        Operation("persons_match", "POST", "view_case_data", payload=_api_match),
        Operation("persons_create", "POST", "edit_case_data", ok="201", payload=_api_person),
        Operation(
            "persons_detail",
            "GET",
            "view_case_data",
            target="person",
            needs=_covers("person"),
            disclosed="person",
        ),
        Operation("cases_list", "GET", "view_case_data"),
        Operation("cases_create", "POST", "edit_case_data", ok="201", payload=_api_case),
        Operation(
            "cases_detail",
            "GET",
            "view_case_data",
            target="case",
            needs=_covers("cases"),
            disclosed="case",
        ),
        Operation(
            "incidents_list",
            "GET",
            "view_case_data",
            target="case",
            needs=_covers("cases", "incidents"),
            disclosed="case",
        ),
        Operation(
            "incidents_create",
            "POST",
            "edit_case_data",
            target="case",
            writes=True,
            ok="201",
            payload=_api_incident,
        ),
        Operation(
            "incidents_detail",
            "GET",
            "view_case_data",
            target="incident",
            needs=_covers("cases", "incidents"),
            disclosed="incident",
        ),
        Operation(
            "journal_list",
            "GET",
            "view_case_data",
            target="case",
            needs=_covers("cases", "journal"),
            disclosed="case",
        ),
        Operation(
            "journal_create",
            "POST",
            "edit_case_data",
            target="case",
            writes=True,
            ok="201",
            payload=_api_journal,
        ),
        Operation(
            "journal_detail",
            "GET",
            "view_case_data",
            target="journal",
            needs=_covers("cases", "journal"),
            disclosed="journal_entry",
        ),
        Operation("instruments_list", "GET", "view_case_data"),
        Operation(
            "risk_detail",
            "GET",
            "view_case_data",
            target="case",
            needs=RISK,
            disclosed="case_risk",
        ),
        Operation(
            "assessments_list",
            "GET",
            "view_case_data",
            target="case",
            needs=RISK,
            disclosed="case_risk",
        ),
        Operation(
            "assessments_create",
            "POST",
            "edit_case_data",
            target="case",
            writes=True,
            ok="201",
            payload=_api_assessment,
        ),
        Operation(
            "measures_list",
            "GET",
            "view_case_data",
            target="case",
            needs=RISK,
            disclosed="case_risk",
        ),
        # --- sharing: for the person's own organisation (the controller) only
        Operation("sharing_list", "GET", "record_sharing", target="person", writes=True),
        Operation(
            "consents_create",
            "POST",
            "record_sharing",
            target="person",
            writes=True,
            ok="201",
            payload=_api_consent,
        ),
        Operation("disclosures_list", "GET", "record_sharing", target="person", writes=True),
        Operation(
            "statutory_create",
            "POST",
            "record_sharing",
            target="person",
            writes=True,
            ok="201",
            payload=_api_statutory,
        ),
        Operation("statutory_list", "GET", "record_sharing", target="person", writes=True),
        Operation("grounds_list", "GET", "record_sharing"),
        Operation("basis_detail", "GET", "record_sharing", target="basis", expect=_own_basis),
        Operation("basis_withdraw", "POST", "record_sharing", target="basis", expect=_withdrawal),
        Operation("approvals_list", "GET", "approve_disclosure"),
        Operation(
            "approvals_decide",
            "POST",
            "approve_disclosure",
            target="basis",
            payload=_api_decision,
            expect=_decision,
        ),
        Operation("register_unit", "GET", "view_audit"),
        # --- reports of concern: the police's own until sent (the world's report is a draft)
        Operation(
            "concerns_create",
            "POST",
            "record_sharing",
            target="case",
            writes=True,
            ok="201",
            payload=_api_concern,
        ),
        Operation("concerns_list", "GET", "record_sharing"),
        Operation("concerns_detail", "GET", "record_sharing", target="report", writes=True),
        Operation("concerns_send", "POST", "record_sharing", target="report", writes=True),
        Operation(
            "concerns_receive", "POST", "record_sharing", target="report", expect=_recipients_step
        ),
        Operation(
            "concerns_respond",
            "POST",
            "record_sharing",
            target="report",
            payload=_api_response,
            expect=_recipients_step,
        ),
        Operation(
            "outreach_list",
            "GET",
            "view_case_data",
            target="case",
            needs=SUPPORT_NEEDS,
            disclosed="case_support",
        ),
        Operation(
            "outreach_create",
            "POST",
            "edit_case_data",
            target="case",
            writes=True,
            ok="201",
            payload=_api_outreach,
        ),
        Operation(
            "referrals_list",
            "GET",
            "view_case_data",
            target="case",
            needs=SUPPORT_NEEDS,
            disclosed="case_support",
        ),
        Operation("tasks_list", "GET", "view_case_data"),
        Operation("providers_list", "GET", "view_case_data"),
    )
}


def expected_api(op: Operation, wall: Wall, who: Who, state: str) -> str:
    """The outcome of one API cell: tokens only (401), a role with the API (403), then A1–A2."""
    if who.kind != "staff":
        return "401"
    if "use_api" not in who.can or op.cap not in who.can:
        return "403"
    if op.expect is not None:
        return op.expect(wall, who, state)
    if op.target is None or wall.owns(who):
        return op.ok
    if op.writes or not wall.receives(who) or not op.needs <= STATES[state].covers:
        return "404"
    return op.ok
