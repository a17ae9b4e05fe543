from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import User
from igor.accounts.roles import CAPABILITIES, Cap
from igor.cases.models import CaseStatus, Party, PartyRole, RelationKind, ViolenceKind


def case_workers(organisation_id: int, unit_id: int) -> Any:
    roles = [role for role, caps in CAPABILITIES.items() if Cap.EDIT_CASE_DATA in caps]
    return User.objects.filter(
        organisation_id=organisation_id, units=unit_id, role__in=roles, is_active=True
    ).order_by("first_name", "last_name")


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A short description without names, e.g. “Violence in a couple, Hornstull”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("(nobody)")
    )

    def __init__(
        self,
        *args: Any,
        organisation_id: int,
        unit_id: int,
        with_status: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = case_workers(organisation_id, unit_id)
        if with_status:
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)


class NewCaseForm(CaseForm):
    unit = forms.ChoiceField(label=_("Unit"))

    field_order = ["unit", "title", "summary", "owner"]

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk


class CaseFilterForm(forms.Form):
    SORTS = [
        ("-opened_at", _("Newest first")),
        ("opened_at", _("Oldest first")),
        ("-updated_at", _("Recently updated")),
        ("reference", _("Reference")),
    ]
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and active")), *CaseStatus.choices, ("all", _("All"))],
    )
    mine = forms.BooleanField(label=_("Only cases I own"), required=False)
    reference = forms.CharField(label=_("Reference begins with"), max_length=30, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class PartySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person in your unit"),
        max_length=100,
        help_text=_("Last name first, or an identity number."),
    )


class PartyForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Role in the case"), choices=PartyRole.choices, widget=forms.RadioSelect
    )


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.get_role_display()})"


class RelationForm(forms.Form):
    from_party = PartyChoiceField(label=_("Person"), queryset=Party.objects.none())
    kind = forms.ChoiceField(label=_("is the … of"), choices=RelationKind.choices)
    to_party = PartyChoiceField(label=_("Other person"), queryset=Party.objects.none())

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_party", "to_party"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = parties


class IncidentForm(forms.Form):
    # The action judges the moment (occurred_at); the person typed it into the date field.
    action_field_names = {"occurred_at": "date"}

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example 2026-11-20."),
    )
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave empty if unknown."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of violence"),
        choices=ViolenceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    police_report_number = forms.RegexField(
        label=_("Police report number"),
        required=False,
        max_length=30,
        regex=r"^[Kk]?\d{1,9}(-\d{2})?$",
        help_text=_("For example K123456-26."),
        error_messages={"invalid": _("Write the report number as K123456-26.")},
    )
    children_present = forms.BooleanField(label=_("Children were present"), required=False)
    children_saw = forms.BooleanField(label=_("Children saw it"), required=False)
    children_heard = forms.BooleanField(label=_("Children heard it"), required=False)
    weapon = forms.BooleanField(label=_("A weapon was used"), required=False)
    weapon_description = forms.CharField(label=_("Which weapon"), max_length=200, required=False)
    strangulation = forms.BooleanField(
        label=_("Strangulation or attempted strangulation"), required=False
    )
    injuries = forms.CharField(
        label=_("Injuries"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day: datetime.date = data.pop("date")
        at: datetime.time = data.pop("time") or datetime.time(0, 0)
        data["occurred_at"] = timezone.make_aware(datetime.datetime.combine(day, at))
        number = data.get("police_report_number") or ""
        data["police_report_number"] = number.upper()
        return data


class JournalForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)
