from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.cases.models import Case
from igor.sharing import categories as catalogue
from igor.sharing.actions import Upload
from igor.sharing.grounds import Ground
from igor.sharing.models import ConsentForm, GivenBy

CATEGORY_CHOICES = [(c.key, cast(str, c.label)) for c in catalogue.CATEGORIES]
FORM_LANGUAGES = [("sv", "Svenska"), ("en", "English"), ("ar", "العربية"), ("fa", "فارسی")]


class BreakGlassForm(forms.Form):
    TARGETS = [("case", _("Case reference")), ("person", _("Identity number"))]
    target = forms.ChoiceField(
        label=_("What do you need to open?"),
        choices=TARGETS,
        widget=forms.RadioSelect,
        initial="case",
    )
    identifier = forms.CharField(
        label=_("Case reference or identity number"),
        max_length=30,
        help_text=_("For example 2026-0000123 or 19850412-2384."),
    )
    reason = forms.CharField(
        label=_("Describe the emergency"),
        max_length=2000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your reason, your name and everything you open are logged and reviewed by the unit lead."
        ),
    )


def _end_of(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, zone)


class ScopeMixin(forms.Form):
    """The categories and the case a basis covers."""

    categories = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Incidents, risk assessments, safety plans and the journal need the case too."),
    )
    case = forms.TypedChoiceField(
        label=_("Only this case"), required=False, coerce=int, empty_value=None
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    valid_until = forms.DateField(
        label=_("Valid until (last day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for no end date."),
    )

    def set_cases(self, cases: list[Case]) -> None:
        field = cast(forms.TypedChoiceField, self.fields["case"])
        field.choices = [("", _("All cases of the person"))] + [
            (c.pk, f"{c.reference} {c.title}") for c in cases
        ]

    def end(self) -> datetime.datetime | None:
        return _end_of(self.cleaned_data.get("valid_until"))


class ConsentRecordForm(ScopeMixin):
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to start now."),
    )
    given_by = forms.ChoiceField(
        label=_("Who gave the consent"), choices=GivenBy.choices, widget=forms.RadioSelect
    )
    given_by_name = forms.CharField(label=_("Name of the guardian"), max_length=200, required=False)
    both_ways = forms.BooleanField(
        label=_("The person also consented to sharing in the other direction"), required=False
    )
    consent_form = forms.ChoiceField(
        label=_("How the consent was given"), choices=ConsentForm.choices, widget=forms.RadioSelect
    )
    witness = forms.CharField(
        label=_("Witness to the oral consent"), max_length=200, required=False
    )
    signed_form = forms.FileField(
        label=_("Signed consent form (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Needed for a written consent."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end must be after the start."))
        return data

    def start(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("valid_from")
        if day is None or day <= timezone.localdate():
            return None
        zone = timezone.get_current_timezone()
        return datetime.datetime.combine(day, datetime.time.min, zone)

    def upload(self) -> Upload | None:
        file = self.cleaned_data.get("signed_form")
        if file is None:
            return None
        return Upload(file.name or "", file.content_type or "", file.read())


class StatutoryForm(ScopeMixin):
    """A disclosure under one ground: its conditions to confirm and its fields to fill in."""

    def __init__(self, *args: Any, ground: Ground, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ground = ground
        for item in ground.conditions:
            self.fields[f"condition_{item.key}"] = forms.BooleanField(
                label=item.text, required=False
            )
        for item in ground.fields:
            self.fields[f"detail_{item.key}"] = forms.CharField(
                label=item.text,
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def conditions(self) -> dict[str, bool]:
        return {
            item.key: bool(self.cleaned_data.get(f"condition_{item.key}"))
            for item in self.ground.conditions
        }

    def details(self) -> dict[str, str]:
        return {
            item.key: self.cleaned_data.get(f"detail_{item.key}") or ""
            for item in self.ground.fields
        }


class BasisChoiceForm(forms.Form):
    basis = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class NarrowForm(BasisChoiceForm):
    categories = forms.MultipleChoiceField(
        label=_("Keep sharing"), choices=CATEGORY_CHOICES, widget=forms.CheckboxSelectMultiple
    )


class DecisionForm(BasisChoiceForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (needed when refusing)"), max_length=500, required=False)


class ConsentPdfForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=FORM_LANGUAGES, initial="sv")


class ConcernForm(forms.Form):
    child = forms.TypedChoiceField(label=_("Child"), coerce=int)
    incident = forms.TypedChoiceField(
        label=_("Incident"), coerce=int, required=False, empty_value=None
    )
    concern = forms.CharField(
        label=_("What the police know or suspect"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    justification = forms.CharField(
        label=_("Justification in this individual case"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A report is never a routine: say why this child, now (JO 682-2014)."),
    )


class ConcernStepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("send", "send"), ("receive", "receive"), ("respond", "respond")],
        widget=forms.HiddenInput,
    )
    response = forms.CharField(
        label=_("Feedback to the reporter"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
