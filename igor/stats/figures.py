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

from igor.stats import sources
from igor.stats.formulas import Breakdown, Count, Durations, Share, Value
from igor.stats.periods import Period

Compute = Callable[[Period, datetime.date], dict[int, Value]]


class Kind:
    COUNT = "count"
    SHARE = "share"
    DAYS = "days"
    BREAKDOWN = "breakdown"


EMPTY: dict[str, Value] = {
    Kind.COUNT: Count(),
    Kind.SHARE: Share(),
    Kind.DAYS: Durations(),
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


FIGURES: tuple[Figure, ...] = (
    # --- Tips (igor.tips)
    Figure(
        "tips_by_channel",
        "tips",
        Kind.BREAKDOWN,
        _("Tips received, by channel"),
        _("Tips from the public received in the period, by the way they came in."),
        _("Count of tips with received time in the period, grouped by channel."),
        "tips.Tip (received, channel)",
        requirement="39",
    ),
    Figure(
        "tips_by_relation",
        "tips",
        Kind.BREAKDOWN,
        _("Tips received, by how the tipster knows"),
        _("Tips received in the period, by the tipster's relation to the people concerned."),
        _("Count of tips with received time in the period, grouped by the tipster's relation."),
        "tips.Tip (received, relation)",
        requirement="39",
    ),
    Figure(
        "tip_to_triage_days",
        "tips",
        Kind.DAYS,
        _("Days from tip to triage"),
        _("How long tips received in the period waited before they were triaged."),
        _("Median of (triaged − received) in days over tips received in the period and triaged."),
        "tips.Tip (received, triaged)",
    ),
    Figure(
        "tip_to_contact_days",
        "tips",
        Kind.DAYS,
        _("Days from tip to first contact"),
        _("How long it took from a tip to the unit's first contact with a person it concerns."),
        _(
            "Median of (first contact attempt that reached the person − tip received) in days, over tips received in the period that led to contact."
        ),
        "tips.Tip, support.Contact",
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
            "Cases opened in the period, by their first source: a tip, outreach, or a police report (the hidden-figure proxy)."
        ),
        _("Count of cases opened in the period, grouped by the source recorded when opened."),
        "cases.Case, tips.Tip, support.Outreach",
        requirement="39",
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
        _("Count of distinct victims with a successful contact in the period."),
        "support.Contact",
    ),
    Figure(
        "victims_offered_support",
        "victims",
        Kind.COUNT,
        _("Victims offered support"),
        _("Victims who were offered support in the period."),
        _("Count of distinct victims with a support offer made in the period."),
        "support.Offer",
    ),
    Figure(
        "victims_accepting_support",
        "victims",
        Kind.SHARE,
        _("Victims accepting support"),
        _("Of the victims offered support in the period, the share who accepted it."),
        _("Victims with an accepted offer ÷ victims offered support in the period."),
        "support.Offer",
        requirement="39",
    ),
    Figure(
        "victims_in_investigation",
        "victims",
        Kind.SHARE,
        _("Victims taking part in the investigation"),
        _(
            "Of the victims in cases with a police report, the share who took part (e.g. interview)."
        ),
        _(
            "Victims recorded as taking part ÷ victims in reported cases, cases opened in the period."
        ),
        "support.Transport (to interview), police investigation record",
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
        _("Count of distinct persons using violence with a successful outreach contact."),
        "support.Outreach",
    ),
    Figure(
        "perpetrators_offered_treatment",
        "perpetrators",
        Kind.COUNT,
        _("Persons using violence offered treatment"),
        _("Persons using violence offered treatment in the period."),
        _("Count of distinct persons using violence with a treatment offer in the period."),
        "support.Offer",
    ),
    Figure(
        "perpetrators_accepting_treatment",
        "perpetrators",
        Kind.SHARE,
        _("Persons using violence accepting treatment"),
        _("Of those offered treatment in the period, the share who accepted."),
        _("Persons with an accepted treatment offer ÷ persons offered treatment in the period."),
        "support.Offer",
        requirement="39",
    ),
    Figure(
        "perpetrators_starting_treatment",
        "perpetrators",
        Kind.SHARE,
        _("Persons using violence starting treatment"),
        _("Of those who accepted treatment in the period, the share who started it."),
        _("Persons with a started treatment ÷ persons accepting treatment in the period."),
        "support.Referral",
    ),
    Figure(
        "perpetrators_completing_treatment",
        "perpetrators",
        Kind.SHARE,
        _("Persons using violence completing treatment"),
        _("Of those who started treatment in the period, the share who completed it."),
        _("Persons with a completed treatment ÷ persons starting treatment in the period."),
        "support.Referral",
    ),
    Figure(
        "offers_before_acceptance",
        "perpetrators",
        Kind.DAYS,
        _("Offers made before acceptance"),
        _(
            "How many times a person was asked before saying yes (“we ask six, seven, eight times”), over offers accepted in the period."
        ),
        _("Median number of offers to the same person up to and including the accepted one."),
        "support.Offer",
    ),
    # --- Investigation and justice
    Figure(
        "cases_to_prosecutor",
        "justice",
        Kind.COUNT,
        _("Cases to the prosecutor"),
        _("Preliminary investigations handed to the prosecutor in the period."),
        _("Count of cases with a hand-over to the prosecutor dated in the period."),
        "police investigation record",
        requirement="39",
    ),
    Figure(
        "convictions",
        "justice",
        Kind.COUNT,
        _("Convictions"),
        _("Judgments in the period convicting a person using violence in one of the unit's cases."),
        _("Count of convictions dated in the period."),
        "police investigation record",
    ),
    # --- Protection and practical support (igor.support, igor.risk)
    Figure(
        "sheltered_housing_placements",
        "support",
        Kind.COUNT,
        _("Sheltered-housing placements"),
        _("Placements in sheltered housing (skyddat boende) starting in the period."),
        _("Count of placements with start date in the period."),
        "support.HousingPlacement",
    ),
    Figure(
        "transports",
        "support",
        Kind.COUNT,
        _("Transports"),
        _("Police transports of victims to and from interviews and appointments in the period."),
        _("Count of transports dated in the period."),
        "support.Transport",
    ),
    Figure(
        "protective_measures",
        "support",
        Kind.COUNT,
        _("Protective measures"),
        _("Protective measures (e.g. contact bans, safety alarms) decided in the period."),
        _("Count of protective measures with decision date in the period."),
        "risk.Measure",
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
            "Of the cases closed in the period whose 6-month follow-up is over, the share where a person using violence in the case was recorded in a new incident within 6 months."
        ),
        _(
            "Closed cases with a new incident by one of their perpetrators within 6 months after closing ÷ closed cases followed for 6 months."
        ),
        "cases.Case (closed_at), cases.Party, cases.Incident (occurred_at)",
        sources.reoffending_6,
    ),
    Figure(
        "reoffending_12",
        "reoffending",
        Kind.SHARE,
        _("New incident within 12 months"),
        _(
            "Of the cases closed in the period whose 12-month follow-up is over, the share where a person using violence in the case was recorded in a new incident within 12 months."
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
