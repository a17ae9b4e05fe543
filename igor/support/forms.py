"""Forms of the support pages. Cross-field rules live in the actions; their messages come back
beside the fields (igor.lib.web.add_action_errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from igor.cases.forms import case_workers
from igor.cases.models import Case, Party
from igor.support.models import (
    Answer,
    ClosureReason,
    ContactMethod,
    ContactResult,
    DangerLevel,
    InterventionKind,
    InterventionOutcome,
    InvestigationStatus,
    Judgment,
    LegalEventKind,
    LegalProcess,
    Offer,
    ProsecutorDecision,
    Provider,
    ProviderKind,
    ReferralStatus,
    Safety,
    SnapshotStage,
    TransportPurpose,
    YesNoUnknown,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_HELP = _("For example 2026-11-20.")
MOMENT_HELP = _("Date and time, for example 2026-11-20 14:30.")


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, help_text=DATE_HELP, **kwargs
    )


def _moment(label: Any, required: bool = True, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=MOMENT, help_text=MOMENT_HELP, **kwargs
    )


class PartyField(forms.ModelChoiceField):
    """A party of the case, chosen by person; the value is the person's id."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.get_role_display()})"

    def to_python(self, value: Any) -> Any:
        party = super().to_python(value)
        return party.person if party is not None else None


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class CaseForm(forms.Form):
    """A form about one case: knows its parties and its colleagues."""

    party_roles: tuple[str, ...] | None = None

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        if "person" in self.fields:
            parties = (
                Party.objects.filter(case=case).select_related("person").order_by("role", "id")
            )
            if self.party_roles:
                parties = parties.filter(role__in=self.party_roles)
            field = self.fields["person"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = parties
            field.to_field_name = "person_id"
        for name in ("staff", "driver"):
            if name in self.fields:
                chosen = self.fields[name]
                assert isinstance(chosen, forms.ModelChoiceField)
                chosen.queryset = case_workers(case.organisation_id, case.unit_id)


def _person_field(label: Any = None) -> PartyField:
    return PartyField(
        label=label or _("Person"),
        queryset=Party.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a party of this case.")},
    )


class OutreachPlanForm(CaseForm):
    person = _person_field(_("Who to contact"))
    method = forms.ChoiceField(label=_("Method"), choices=ContactMethod.choices)
    planned_for = _moment(_("When"))
    staff = StaffField(
        label=_("Who goes"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You, if nobody is chosen."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutreachEditForm(CaseForm):
    """A planned contact's details; whom it is with stays as planned."""

    method = forms.ChoiceField(label=_("Method"), choices=ContactMethod.choices)
    planned_for = _moment(
        _("When"), error_messages={"required": _("Say when the contact is planned.")}
    )
    staff = StaffField(
        label=_("Who goes"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You, if nobody is chosen."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutreachRecordForm(CaseForm):
    person = _person_field(_("Who was contacted"))
    method = forms.ChoiceField(label=_("Method"), choices=ContactMethod.choices)
    done_at = _moment(_("When"))
    staff = StaffField(
        label=_("Who went"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You, if nobody is chosen."),
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=ContactResult.choices, widget=forms.RadioSelect
    )
    offer = forms.ChoiceField(label=_("Offer made"), choices=Offer.choices, required=False)
    answer = forms.ChoiceField(label=_("Answer"), choices=Answer.choices, required=False)
    follow_up_on = _date(_("Next follow-up"), required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    planned = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


def _provider_field(label: Any) -> ProviderChoiceField:
    return ProviderChoiceField(
        label=label,
        queryset=Provider.objects.none(),
        error_messages={
            "invalid_choice": _("Choose a provider from the unit's registry that takes referrals.")
        },
    )


class ReferralForm(CaseForm):
    person = _person_field(_("Who is referred"))
    provider = _provider_field(_("Provider"))
    purpose = forms.CharField(
        label=_("What for"),
        max_length=300,
        help_text=_("For example: treatment programme for men who use violence."),
    )
    sent_on = _date(_("Sent"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Provider.objects.filter(unit_id=self.case.unit_id, active=True)


class ReferralEditForm(ReferralForm):
    """A sent referral's details; who is referred stays as sent."""

    person = None  # type: ignore[assignment]


class ReferralStepForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    on = _date(_("Date"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed when the provider rejects the referral."),
    )
    feedback = forms.CharField(
        label=_("Feedback from the provider"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, next_statuses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in next_statuses]  # type: ignore[attr-defined]


class InterventionForm(CaseForm):
    party_roles = ("victim", "child")
    person = _person_field(_("For whom"))
    kind = forms.ChoiceField(label=_("Support"), choices=InterventionKind.choices)
    started_on = _date(_("Started"))
    ended_on = _date(_("Ended"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=InterventionOutcome.choices, required=False
    )
    without_police_report = forms.BooleanField(
        label=_("Support without a police report"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InterventionEditForm(InterventionForm):
    """An intervention's details; for whom stays as recorded."""

    person = None  # type: ignore[assignment]


class EndInterventionForm(forms.Form):
    ended_on = _date(_("Ended"))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in InterventionOutcome.choices if c[0]],
        widget=forms.RadioSelect,
    )


class TransportForm(CaseForm):
    party_roles = ("victim", "child")
    person = _person_field(_("Who travels"))
    purpose = forms.ChoiceField(label=_("To"), choices=TransportPurpose.choices)
    departs_at = _moment(
        _("Departure"),
        error_messages={"required": _("Give the date and time of departure.")},
    )
    from_place = forms.CharField(label=_("From (address)"), max_length=300)
    to_place = forms.CharField(label=_("To (address)"), max_length=300)
    driver = forms.ModelChoiceField(
        label=_("Who drives"), queryset=Party.objects.none(), required=False
    )
    escort_risk = forms.CharField(
        label=_("Escort risk notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person using violence knows her workplace."),
    )


class TransportEditForm(TransportForm):
    """A booked transport's details; who travels stays as booked."""

    person = None  # type: ignore[assignment]


class TransportStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("done", _("Done")), ("cancelled", _("Cancelled"))],
        widget=forms.RadioSelect,
    )


class PlacementForm(CaseForm):
    party_roles = ("victim", "child")
    person = _person_field(_("Who is placed"))
    provider = _provider_field(_("Sheltered housing"))
    moved_in_on = _date(_("Moves in"))
    address = forms.CharField(
        label=_("Address of the placement"),
        max_length=300,
        help_text=_("Kept encrypted; shown only on a logged request to staff with need."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = providers
        provider.error_messages["invalid_choice"] = _(
            "Choose a sheltered-housing provider from the unit's registry."
        )


class MoveOutForm(forms.Form):
    moved_out_on = _date(_("Moved out"))


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the addresses?"),
        max_length=300,
        help_text=_("Your reason is logged and reviewed."),
    )


class LegalProcessForm(forms.Form):
    report_number = forms.RegexField(
        label=_("Police report number"),
        max_length=30,
        regex=r"^[Kk]?\d{1,9}(-\d{2})?$",
        help_text=_("For example K123456-26."),
        error_messages={"invalid": _("Write the report number as K123456-26.")},
    )
    investigation = forms.ChoiceField(
        label=_("Preliminary investigation"), choices=InvestigationStatus.choices
    )
    prosecutor_decision = forms.ChoiceField(
        label=_("Prosecutor's decision"), choices=ProsecutorDecision.choices, required=False
    )
    decided_on = _date(_("Decided"), required=False)
    judgment = forms.ChoiceField(label=_("Judgment"), choices=Judgment.choices, required=False)
    judged_on = _date(_("Judgment date"), required=False)


class LegalEventForm(forms.Form):
    process = forms.ModelChoiceField(
        label=_("Police report"), queryset=LegalProcess.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("What"), choices=LegalEventKind.choices)
    at = _moment(_("When"), error_messages={"required": _("Give the date and time.")})
    place = forms.CharField(label=_("Where"), max_length=200, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process = self.fields["process"]
        assert isinstance(process, forms.ModelChoiceField)
        process.queryset = LegalProcess.objects.filter(case=case)


class SnapshotForm(CaseForm):
    party_roles = ("victim", "perpetrator")
    person = _person_field(_("About whom"))
    stage = forms.ChoiceField(
        label=_("Stage"), choices=SnapshotStage.choices, widget=forms.RadioSelect
    )
    danger_level = forms.ChoiceField(label=_("Danger level"), choices=DangerLevel.choices)
    violence_ongoing = forms.ChoiceField(
        label=_("Is the violence ongoing?"), choices=YesNoUnknown.choices
    )
    safety = forms.ChoiceField(label=_("Safety"), choices=Safety.choices)
    support_received = forms.ChoiceField(
        label=_("Has the person received support or treatment?"), choices=YesNoUnknown.choices
    )


CHECKLIST = (
    ("safety_reviewed", _("The safety plan and risk have been reviewed")),
    ("referrals_concluded", _("Referrals are concluded or handed over")),
    ("consent_reviewed", _("Consents and sharing bases have been reviewed")),
    ("person_informed", _("The person has been told the case is closing and where to turn")),
)


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ClosureReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    override_reason = forms.CharField(
        label=_("Why close anyway"),
        max_length=500,
        required=False,
        help_text=_("Needed when tasks are open or an exit snapshot is missing."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CHECKLIST:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.order_fields(["reason", *(name for name, _label in CHECKLIST), "note"])

    def checklist(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name, _label in CHECKLIST}


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProviderKind.choices)
    contact = forms.CharField(label=_("Contact for referrals"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=0,
        max_value=10_000,
        required=False,
        help_text=_("For sheltered housing: how many people it can take at once."),
    )
    active = forms.BooleanField(label=_("Takes referrals"), required=False, initial=True)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = _date(_("Due"))
    assignee = forms.ModelChoiceField(
        label=_("For"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("The whole unit"),
    )
    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args: Any, units: list[Any], organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = (
            case_workers(organisation_id, units[0].pk) if units else assignee.queryset
        )
