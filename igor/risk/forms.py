from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import User
from igor.accounts.roles import CAPABILITIES, Cap
from igor.people.models import Person
from igor.risk.actions import FACTOR_RATINGS
from igor.risk.instruments import EXTERNAL_INSTRUMENTS, Instrument
from igor.risk.levels import Level
from igor.risk.models import (
    MAX_SECTION_CHARS,
    PLAN_SECTIONS,
    ConferenceKind,
    MeasureKind,
    MeasureStatus,
)

DATE = {"type": "date"}


def _date(label: Any, *, required: bool = True, initial_today: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE),
        help_text=_("For example 2026-11-20."),
        initial=timezone.localdate if initial_today else None,
    )


def _level(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=Level.choices, widget=forms.RadioSelect)


class PersonChoice(forms.ChoiceField):
    """A party of the case (never the person using violence), chosen by id."""

    def __init__(self, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(label=_("About"), choices=[(p.pk, p.full_name) for p in persons], **kwargs)


class WithPerson(forms.Form):
    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {p.pk: p for p in persons}
        field = PersonChoice(persons)
        if len(persons) == 1:
            field.widget = forms.HiddenInput()
            field.initial = persons[0].pk
        self.fields = {"person": field, **self.fields}

    def person(self) -> Person:
        return self.persons[int(self.cleaned_data["person"])]


class InstrumentForm(WithPerson):
    """The instrument's questions (in its own words), then the assessor's judgement."""

    assessed_on = _date(_("Date of assessment"), initial_today=True)
    level = _level(_("Your judgement of the risk"))
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why you judge the risk so. Required: the score never decides alone."),
    )
    request_approval = forms.BooleanField(
        label=_("My level is lower than the suggested one: ask the unit lead to approve it"),
        required=False,
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        questions = {}
        for item in instrument.items:
            questions[f"item_{item.id}"] = forms.ChoiceField(
                label=item.text,
                help_text=item.help,
                choices=[(a.id, a.text) for a in instrument.answers_for(item)],
                widget=forms.RadioSelect,
                required=False,  # the action names the unanswered ones
            )
        rest = {name: field for name, field in self.fields.items() if name != "person"}
        self.fields = {"person": self.fields["person"], **questions, **rest}
        self.fields["level"].required = False

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            item.id: data.get(f"item_{item.id}") or ""
            for item in self.instrument.items
            if data.get(f"item_{item.id}")
        }

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.id}"] for item in self.instrument.items]

    def judgement_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("assessed_on", "level", "rationale", "request_approval")]


class ExternalForm(WithPerson):
    instrument_name = forms.CharField(
        label=_("Instrument"),
        max_length=100,
        help_text=_("For example %(names)s.") % {"names": ", ".join(EXTERNAL_INSTRUMENTS[:4])},
    )
    instrument_version = forms.CharField(label=_("Version"), max_length=20, required=False)
    assessed_on = _date(_("Date of assessment"))
    assessor_name = forms.CharField(label=_("Assessor"), max_length=200)
    level = _level(_("Overall level"))
    rationale = forms.CharField(
        label=_("Summary and rationale"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In your own words. Do not copy the instrument's questions."),
    )
    factors = forms.CharField(
        label=_("Factor ratings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. One factor code and rating per line, e.g. “P3 present”; ratings: present, "
            "partly, absent. Codes only, never the factor's text."
        ),
    )
    scan = forms.FileField(label=_("Scan of the signed form"), required=False)

    def clean_factors(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in (self.cleaned_data.get("factors") or "").splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or parts[1].lower() not in FACTOR_RATINGS or len(parts[0]) > 20:
                raise forms.ValidationError(
                    _("Write each line as a factor code and a rating, e.g. “P3 present”.")
                )
            found[parts[0]] = parts[1].lower()
        return found

    def scan_tuple(self) -> tuple[str, str, bytes] | None:
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        return (upload.name or "scan", upload.content_type or "", upload.read())


class VictimForm(WithPerson):
    assessed_on = _date(_("Date"), initial_today=True)
    level = _level(_("How dangerous the person thinks the situation is"))
    in_her_words = forms.CharField(
        label=_("In the person's own words"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve the lower level")),
            ("reject", _("Keep the suggested level")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SafeContactForm(forms.Form):
    safe_times = forms.CharField(
        label=_("Safe times to call"),
        max_length=200,
        required=False,
        help_text=_("For example weekdays 9–11, when the children are at school."),
    )
    voicemail_allowed = forms.BooleanField(label=_("A voicemail may be left"), required=False)
    sms_allowed = forms.BooleanField(label=_("Text messages may be sent"), required=False)
    letters_allowed = forms.BooleanField(label=_("Letters may be sent home"), required=False)
    others_read_phone = forms.BooleanField(
        label=_("Someone else may read the phone"), required=False
    )
    code_word = forms.CharField(
        label=_("Code word"),
        max_length=100,
        required=False,
        help_text=_("A word that means she cannot talk, or that she needs help."),
    )
    notes = forms.CharField(
        label=_("Other advice"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SafetyPlanForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Her language for the printed copy"),
        choices=[("sv", "svenska"), ("en", "English"), ("ar", "العربية"), ("fa", "فارسی")],
        help_text=_("The printed copy is in plain Swedish and in this language."),
    )
    made_with_person = forms.BooleanField(
        label=_("The plan was made together with the person"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in PLAN_SECTIONS:
            self.fields[f"section_{key}"] = forms.CharField(
                label=label,
                max_length=MAX_SECTION_CHARS,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"print_{key}"] = forms.BooleanField(
                label=_("Print this section on her copy"), required=False, initial=True
            )

    def sections(self) -> dict[str, tuple[str, bool]]:
        data = self.cleaned_data
        return {
            key: (data.get(f"section_{key}") or "", bool(data.get(f"print_{key}")))
            for key, _label in PLAN_SECTIONS
        }

    def section_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"section_{key}"], self[f"print_{key}"]) for key, _label in PLAN_SECTIONS]


class MeasureForm(WithPerson):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    applied_on = _date(_("Applied for on"), initial_today=True)
    decided_on = _date(_("Decided on"), required=False)
    starts_on = _date(_("In force from"), required=False)
    expires_on = _date(_("Expires on"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    decided_on = _date(_("Decided on"), required=False)
    starts_on = _date(_("In force from"), required=False)
    expires_on = _date(_("Expires on"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreachForm(forms.Form):
    action_field_names = {"occurred_at": "date"}

    date = _date(_("Date"))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    police_report_number = forms.RegexField(
        label=_("Police report number"),
        required=False,
        max_length=30,
        regex=r"^[Kk]?\d{1,9}(-\d{2})?$",
        error_messages={"invalid": _("Write the report number as K123456-26.")},
    )
    description = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def occurred_at(self) -> datetime.datetime:
        at = self.cleaned_data.get("time") or datetime.time(0, 0)
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["date"], at))


class ConferenceForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ConferenceKind.choices, widget=forms.RadioSelect
    )
    held_on = _date(_("Date"), initial_today=True)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    participants = forms.CharField(
        label=_("Other agencies taking part"), max_length=500, required=False
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            unit.widget = forms.HiddenInput()
            unit.initial = units[0].pk


class AgendaForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to add every flagged case of yours."),
    )


class ActionDoneForm(forms.Form):
    """Mark a conference action done, or reopen it; `back` says which page the button was on."""

    action = forms.IntegerField(min_value=1)
    done = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    back = forms.ChoiceField(
        choices=[("item", "item"), ("conference", "conference")], required=False
    )


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the conference"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def unit_case_workers(unit_id: int) -> Any:
    roles = [role for role, caps in CAPABILITIES.items() if Cap.EDIT_CASE_DATA in caps]
    return User.objects.filter(units=unit_id, role__in=roles, is_active=True).order_by(
        "first_name", "last_name"
    )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.organisation})"


class ConferenceActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=500)
    owner = OwnerChoice(label=_("Owner"), queryset=User.objects.none())
    due_on = _date(_("Due"))

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = unit_case_workers(unit_id).select_related("organisation")
