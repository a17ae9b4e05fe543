"""The figures: every definition in one place (name, description, formula, data source).

The data dictionary page, the dashboard, the exports and the research extracts' documentation
all read this registry. A figure whose data the system does not record yet has no `compute`; it
is listed as "not yet available" with its definition, and never shown as a number.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from igor.stats import sources, sources_work
from igor.stats.formulas import Breakdown, Count, Durations, Share, Value
from igor.stats.periods import Period

Compute = Callable[[Period, datetime.date], dict[int, Value]]


class Kind:
    COUNT = "count"
    SHARE = "share"
    DAYS = "days"
    MEDIAN = "median"  # the median of a number per item, e.g. offers made before a yes
    BREAKDOWN = "breakdown"


EMPTY: dict[str, Value] = {
    Kind.COUNT: Count(),
    Kind.SHARE: Share(),
    Kind.DAYS: Durations(),
    Kind.MEDIAN: Durations(),
    Kind.BREAKDOWN: Breakdown(),
}


@dataclass(frozen=True)
class Group:
    key: str
    name: Promise


GROUPS = (
    Group("tips", _("Tips from the public")),
    Group("cases", _("Cases and the hidden figure")),
    Group("victims", _("Victims")),
    Group("perpetrators", _("Persons using violence")),
    Group("justice", _("Investigation and justice")),
    Group("support", _("Protection and practical support")),
    Group("sharing", _("Consent, disclosures and children")),
    Group("incidents", _("Incidents")),
    Group("reoffending", _("Re-offending")),
)


@dataclass(frozen=True)
class Figure:
    key: str
    group: str
    kind: str
    name: Promise
    description: Promise
    formula: Promise
    source: str
    compute: Compute | None = None
    requirement: str = ""  # the requirement of domain-sweden.md §8 it serves, e.g. "39"
    labels: Callable[[], dict[str, Promise | str]] | None = None  # a breakdown's categories

    @property
    def available(self) -> bool:
        return self.compute is not None

    @property
    def empty(self) -> Value:
        return EMPTY[self.kind]


# The categories of the breakdowns, as the dashboard names them.
CHANNELS = (
    ("tip", _("Tip about somebody else")),
    ("contact_me", _("Self-referral: wants safe contact")),
    ("help_to_stop", _("Self-referral: wants help to stop")),
)
RELATIONS = (
    ("neighbour", _("Neighbour")),
    ("colleague", _("Colleague")),
    ("friend", _("Friend")),
    ("relative", _("Relative")),
    ("other", _("Other")),
    (sources_work.NOT_STATED, _("Not stated")),
)
ORIGINS = (
    (sources_work.Origin.TIP, _("Tip or self-referral")),
    (sources_work.Origin.POLICE_REPORT, _("Police report")),
    (sources_work.Origin.OWN_WORK, _("Outreach or own work")),
)

FIGURES: tuple[Figure, ...] = (
    # --- Tips (igor.tips)
    Figure(
        "tips_by_channel",
        "tips",
        Kind.BREAKDOWN,
        _("Tips received, by channel"),
        _(
            "Tips and self-referrals received in the period through the unit's public pages, by the form they came in through: a tip about somebody else, a request for safe contact, or a request for help to stop using violence."
        ),
        _("Count of tips and self-referrals with received time in the period, grouped by kind."),
        "tips.Tip (received_at, kind)",
        sources_work.tips_by_channel,
        requirement="39",
        labels=lambda: dict(CHANNELS),
    ),
    Figure(
        "tips_by_relation",
        "tips",
        Kind.BREAKDOWN,
        _("Tips received, by how the tipster knows"),
        _("Tips received in the period, by the tipster's relation to the people concerned."),
        _(
            "Count of tips (not self-referrals) with received time in the period, grouped by how the tipster knows; an unanswered question counts as not stated."
        ),
        "tips.Tip (received_at, kind tip, how_known)",
        sources_work.tips_by_relation,
        requirement="39",
        labels=lambda: dict(RELATIONS),
    ),
    Figure(
        "tip_to_triage_days",
        "tips",
        Kind.DAYS,
        _("Days from tip to triage"),
        _(
            "How long tips and self-referrals received in the period waited until triage wrote the sanitised summary (status “summary written”)."
        ),
        _(
            "Median of (first sanitised summary − received) in days, over tips received in the period that have a summary. The time of the summary is the audit event of the action that wrote it."
        ),
        "tips.Tip (received_at), audit.AuditEvent (tip, sanitised summary)",
        sources_work.tip_to_triage_days,
    ),
    Figure(
        "tip_to_contact_days",
        "tips",
        Kind.DAYS,
        _("Days from tip to first contact"),
        _(
            "How long it took from a tip to the unit's first contact with a person in the case the tip was linked to."
        ),
        _(
            "Median of (first outreach contact that reached a person in the tip's case, at or after the tip − tip received) in days, over tips received in the period that led to such a contact."
        ),
        "tips.Tip (received_at, case), support.OutreachContact (done_at, result reached)",
        sources_work.tip_to_contact_days,
    ),
    # --- Cases and the hidden figure (igor.cases, igor.tips, igor.support)
    Figure(
        "cases_opened",
        "cases",
        Kind.COUNT,
        _("Cases opened"),
        _("New cases opened by the unit's police and social services in the period."),
        _("Count of cases with opened time in the period."),
        "cases.Case (opened_at)",
        sources.cases_opened,
        requirement="39",
    ),
    Figure(
        "cases_closed",
        "cases",
        Kind.COUNT,
        _("Cases closed"),
        _("Cases closed in the period."),
        _("Count of cases with closed time in the period."),
        "cases.Case (closed_at)",
        sources.cases_closed,
    ),
    Figure(
        "cases_without_police_report",
        "cases",
        Kind.SHARE,
        _("Cases with no police report"),
        _(
            "Of the cases opened in the period, the share in which no incident has a police report number: violence the unit found by its own work, which would otherwise have stayed in the hidden figure."
        ),
        _(
            "Cases opened in the period with no incident carrying a police report number ÷ cases opened in the period."
        ),
        "cases.Case (opened_at), cases.Incident (police_report_number)",
        sources.cases_without_police_report,
        requirement="39",
    ),
    Figure(
        "cases_by_origin",
        "cases",
        Kind.BREAKDOWN,
        _("Cases by how they first became known"),
        _(
            "Cases opened in the period, by their first source: a tip or self-referral, a police report, or the unit's own outreach and contacts (the hidden-figure proxy: violence that no police report would have shown)."
        ),
        _(
            "Count of cases opened in the period: “tip” when a tip or self-referral was linked to the case and received no later than the case was opened; else “police report” when an incident of the case carries a police report number; else “outreach or own work”."
        ),
        "cases.Case (opened_at), tips.Tip (case, received_at), cases.Incident (police_report_number)",
        sources_work.cases_by_origin,
        requirement="39",
        labels=lambda: dict(ORIGINS),
    ),
    # --- Victims (igor.cases, igor.support)
    Figure(
        "victims_new",
        "victims",
        Kind.COUNT,
        _("Victims in new cases"),
        _(
            "Persons registered as victims in cases opened in the period. A person registered by both agencies counts once in each."
        ),
        _("Count of distinct persons with the victim role in cases opened in the period."),
        "cases.Party (role victim), cases.Case (opened_at)",
        sources.victims_new,
    ),
    Figure(
        "victims_contacted",
        "victims",
        Kind.COUNT,
        _("Victims contacted"),
        _("Victims the unit reached in the period (a contact attempt that reached the person)."),
        _(
            "Count of distinct persons with the victim role in an outreach contact done in the period with result “reached”."
        ),
        "support.OutreachContact (party_role victim, done_at, result)",
        sources_work.victims_contacted,
    ),
    Figure(
        "victims_offered_support",
        "victims",
        Kind.COUNT,
        _("Victims offered support"),
        _("Victims who were offered support in the period."),
        _(
            "Count of distinct persons with the victim role in an outreach contact done in the period with an offer made."
        ),
        "support.OutreachContact (party_role victim, done_at, offer)",
        sources_work.victims_offered_support,
    ),
    Figure(
        "victims_accepting_support",
        "victims",
        Kind.SHARE,
        _("Victims accepting support"),
        _("Of the victims offered support in the period, the share who accepted it."),
        _(
            "Victims with an offer answered “accepted” in the period ÷ victims offered support in the period."
        ),
        "support.OutreachContact (party_role victim, done_at, offer, answer)",
        sources_work.victims_accepting_support,
        requirement="39",
    ),
    Figure(
        "victims_in_investigation",
        "victims",
        Kind.SHARE,
        _("Victims taking part in the investigation"),
        _(
            "Of the police cases opened in the period with a preliminary investigation recorded, the share in which the victim has been interviewed."
        ),
        _(
            "Cases opened in the period with a legal process and a victim interview that has taken place ÷ cases opened in the period with a legal process."
        ),
        "cases.Case (opened_at), support.LegalProcess, support.LegalEvent (victim_interview, at)",
        sources_work.victims_in_investigation,
    ),
    # --- Persons using violence (igor.cases, igor.support)
    Figure(
        "perpetrators_new",
        "perpetrators",
        Kind.COUNT,
        _("Persons using violence in new cases"),
        _("Persons registered as using violence in cases opened in the period."),
        _("Count of distinct persons with the perpetrator role in cases opened in the period."),
        "cases.Party (role perpetrator), cases.Case (opened_at)",
        sources.perpetrators_new,
    ),
    Figure(
        "perpetrators_contacted",
        "perpetrators",
        Kind.COUNT,
        _("Persons using violence contacted"),
        _("Persons using violence the unit reached through outreach in the period."),
        _(
            "Count of distinct persons with the perpetrator role in an outreach contact done in the period with result “reached”."
        ),
        "support.OutreachContact (party_role perpetrator, done_at, result)",
        sources_work.perpetrators_contacted,
    ),
    Figure(
        "perpetrators_offered_treatment",
        "perpetrators",
        Kind.COUNT,
        _("Persons using violence offered treatment"),
        _("Persons using violence offered treatment in the period."),
        _(
            "Count of distinct persons with the perpetrator role offered a treatment programme in an outreach contact done in the period."
        ),
        "support.OutreachContact (party_role perpetrator, done_at, offer treatment)",
        sources_work.perpetrators_offered_treatment,
    ),
    Figure(
        "perpetrators_accepting_treatment",
        "perpetrators",
        Kind.SHARE,
        _("Persons using violence accepting treatment"),
        _("Of those offered treatment in the period, the share who accepted."),
        _(
            "Persons with a treatment offer answered “accepted” in the period ÷ persons offered treatment in the period."
        ),
        "support.OutreachContact (party_role perpetrator, offer treatment, answer)",
        sources_work.perpetrators_accepting_treatment,
        requirement="39",
    ),
    Figure(
        "perpetrators_starting_treatment",
        "perpetrators",
        Kind.SHARE,
        _("Persons using violence starting treatment"),
        _("Of those who accepted treatment in the period, the share who started it."),
        _(
            "Persons accepting treatment in the period who have a referral to a treatment programme in the same case with a start date ÷ persons accepting treatment in the period."
        ),
        "support.OutreachContact (answer accepted), support.Referral (provider kind treatment, started_on)",
        sources_work.perpetrators_starting_treatment,
    ),
    Figure(
        "perpetrators_completing_treatment",
        "perpetrators",
        Kind.SHARE,
        _("Persons using violence completing treatment"),
        _(
            "Of those who started a treatment programme in the period, the share who have completed it (those still in treatment count as not completed)."
        ),
        _(
            "Persons with a treatment referral started in the period and now completed ÷ persons with a treatment referral started in the period."
        ),
        "support.Referral (party_role perpetrator, provider kind treatment, started_on, status)",
        sources_work.perpetrators_completing_treatment,
    ),
    Figure(
        "offers_before_acceptance",
        "perpetrators",
        Kind.MEDIAN,
        _("Offers made before acceptance"),
        _(
            "How many times a person using violence was asked before saying yes (“we ask six, seven, eight times”), over offers accepted in the period."
        ),
        _(
            "Median of the offer number of accepted offers in the period: the offers to the same person in the same case up to and including the accepted one."
        ),
        "support.OutreachContact (party_role perpetrator, offer_number, answer accepted)",
        sources_work.offers_before_acceptance,
    ),
    # --- Investigation and justice (igor.support, police cases)
    Figure(
        "cases_to_prosecutor",
        "justice",
        Kind.COUNT,
        _("Cases to the prosecutor"),
        _(
            "Of the cases opened in the period, those whose preliminary investigation has been handed to the prosecutor so far."
        ),
        _(
            "Count of cases opened in the period with a legal process handed to the prosecutor or with a prosecutor's decision."
        ),
        "cases.Case (opened_at), support.LegalProcess (investigation, prosecutor_decision)",
        sources_work.cases_to_prosecutor,
        requirement="39",
    ),
    Figure(
        "convictions",
        "justice",
        Kind.COUNT,
        _("Convictions"),
        _("Judgments in the period convicting a person using violence in one of the unit's cases."),
        _("Count of legal processes with judgment “conviction” dated in the period."),
        "support.LegalProcess (judgment, judged_on)",
        sources_work.convictions,
    ),
    # --- Protection and practical support (igor.support, igor.risk)
    Figure(
        "sheltered_housing_placements",
        "support",
        Kind.COUNT,
        _("Sheltered-housing placements"),
        _("Placements in sheltered housing (skyddat boende) starting in the period."),
        _("Count of placements with moving-in date in the period."),
        "support.ShelterPlacement (moved_in_on)",
        sources_work.sheltered_housing_placements,
    ),
    Figure(
        "transports",
        "support",
        Kind.COUNT,
        _("Transports"),
        _(
            "Escorted rides of victims to and from interviews, court and sheltered housing in the period."
        ),
        _("Count of transports departing in the period, not counting cancelled ones."),
        "support.Transport (departs_at, status)",
        sources_work.transports,
    ),
    Figure(
        "protective_measures",
        "support",
        Kind.COUNT,
        _("Protective measures"),
        _("Protective measures (e.g. contact bans, alarm packages) granted in the period."),
        _(
            "Count of protective measures granted (now in force or ended) with decision date in the period."
        ),
        "risk.ProtectiveMeasure (status, decided_on)",
        sources_work.protective_measures,
    ),
    # --- Consent, disclosures and children (igor.sharing)
    Figure(
        "consents_recorded",
        "sharing",
        Kind.COUNT,
        _("Consents recorded"),
        _("Consents to share information across the wall recorded in the period (OSL 12:2)."),
        _("Count of sharing bases of kind consent with recorded time in the period."),
        "sharing.SharingBasis (kind consent, recorded_at)",
        sources.consents_recorded,
    ),
    Figure(
        "consents_withdrawn",
        "sharing",
        Kind.COUNT,
        _("Consents withdrawn"),
        _("Consents withdrawn in the period, whenever they were given."),
        _("Count of sharing bases of kind consent with withdrawn time in the period."),
        "sharing.SharingBasis (kind consent, withdrawn_at)",
        sources.consents_withdrawn,
    ),
    Figure(
        "statutory_disclosures",
        "sharing",
        Kind.COUNT,
        _("Statutory disclosures"),
        _(
            "Disclosures across the wall on a statutory basis (e.g. OSL 10:18 c), not counting reports of concern about children."
        ),
        _(
            "Count of sharing bases of kind statutory, other than orosanmälan, recorded in the period."
        ),
        "sharing.SharingBasis (kind statutory, ground, recorded_at)",
        sources.statutory_disclosures,
    ),
    Figure(
        "child_concern_reports",
        "sharing",
        Kind.COUNT,
        _("Reports of concern about children"),
        _(
            "Reports of concern about a child (orosanmälan) from police to social services in the period."
        ),
        _("Count of statutory bases with ground orosanmälan recorded in the period."),
        "sharing.SharingBasis (ground orosanmalan, recorded_at)",
        sources.child_concern_reports,
    ),
    # --- Incidents (igor.cases)
    Figure(
        "incidents",
        "incidents",
        Kind.COUNT,
        _("Incidents recorded"),
        _("Occasions of violence that took place in the period, in the unit's cases."),
        _("Count of incidents with date in the period."),
        "cases.Incident (occurred_at)",
        sources.incidents,
    ),
    Figure(
        "incidents_reported",
        "incidents",
        Kind.SHARE,
        _("Incidents reported to the police"),
        _("Of the incidents in the period, the share with a police report number."),
        _("Incidents in the period with a police report number ÷ incidents in the period."),
        "cases.Incident (police_report_number)",
        sources.incidents_reported,
    ),
    Figure(
        "incidents_with_children",
        "incidents",
        Kind.SHARE,
        _("Incidents children were present at"),
        _(
            "Of the incidents in the period, the share where a child was present, saw or heard it (barnfridsbrott)."
        ),
        _("Incidents with children present, seeing or hearing ÷ incidents in the period."),
        "cases.Incident (children_present, children_saw, children_heard)",
        sources.incidents_with_children,
    ),
    # --- Re-offending (igor.cases)
    Figure(
        "reoffending_6",
        "reoffending",
        Kind.SHARE,
        _("New incident within 6 months"),
        _(
            "Of the cases closed in the period whose 6-month follow-up is over, the share where a person using violence in the case was recorded in a new incident within 6 months, in a case of the same organisation (police and social services are counted apart)."
        ),
        _(
            "Closed cases with a new incident by one of their perpetrators within 6 months after closing ÷ closed cases followed for 6 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_6,
    ),
    Figure(
        "reoffending_6_same",
        "reoffending",
        Kind.SHARE,
        _("New incident within 6 months, same partner"),
        _("As above, counting only new incidents against a victim of the closed case."),
        _(
            "Closed cases with a new incident against the same victim within 6 months ÷ closed cases followed for 6 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_6_same,
    ),
    Figure(
        "reoffending_6_new",
        "reoffending",
        Kind.SHARE,
        _("New incident within 6 months, new partner"),
        _(
            "As above, counting only new incidents against somebody who was not a victim in the closed case."
        ),
        _(
            "Closed cases with a new incident against another victim within 6 months ÷ closed cases followed for 6 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_6_new,
    ),
    Figure(
        "reoffending_12",
        "reoffending",
        Kind.SHARE,
        _("New incident within 12 months"),
        _(
            "Of the cases closed in the period whose 12-month follow-up is over, the share where a person using violence in the case was recorded in a new incident within 12 months, in a case of the same organisation (police and social services are counted apart)."
        ),
        _(
            "Closed cases with a new incident by one of their perpetrators within 12 months after closing ÷ closed cases followed for 12 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_12,
        requirement="39",
    ),
    Figure(
        "reoffending_12_same",
        "reoffending",
        Kind.SHARE,
        _("New incident within 12 months, same partner"),
        _("As above, counting only new incidents against a victim of the closed case."),
        _(
            "Closed cases with a new incident against the same victim within 12 months ÷ closed cases followed for 12 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_12_same,
    ),
    Figure(
        "reoffending_12_new",
        "reoffending",
        Kind.SHARE,
        _("New incident within 12 months, new partner"),
        _(
            "As above, counting only new incidents against somebody who was not a victim in the closed case."
        ),
        _(
            "Closed cases with a new incident against another victim within 12 months ÷ closed cases followed for 12 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_12_new,
    ),
)

BY_KEY: dict[str, Figure] = {figure.key: figure for figure in FIGURES}


def figures_in(group: str) -> list[Figure]:
    return [figure for figure in FIGURES if figure.group == group]


def available() -> list[Figure]:
    return [figure for figure in FIGURES if figure.available]
