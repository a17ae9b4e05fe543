from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import Unit
from igor.lib.identity import IdentityKind
from igor.lib.web import add_action_errors
from igor.people.models import Gender, Protection
from igor.people.suggest import query_record


class PersonForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    identity_kind = forms.ChoiceField(
        label=_("Identity number"),
        choices=IdentityKind.choices,
        initial=IdentityKind.PERSONNUMMER,
        widget=forms.RadioSelect,
    )
    identity_number = forms.CharField(
        label=_("Number"),
        max_length=20,
        required=False,
        help_text=_("12 digits, for example 19850412-2384. Leave empty if there is none."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("Filled in from the identity number when there is one. Format: 1985-04-12."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    gender_description = forms.CharField(
        label=_("Gender in the person's own words"), max_length=100, required=False
    )
    languages = forms.CharField(
        label=_("Languages"),
        max_length=200,
        required=False,
        help_text=_("For example: Swedish, Arabic"),
    )
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = forms.CharField(
        label=_("Interpreter language"), max_length=100, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=200, required=False)
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    protection = forms.ChoiceField(
        label=_("Protected identity"),
        choices=Protection.choices,
        required=False,
        help_text=_(
            "A protected person's address and phone are hidden everywhere except on an explicit, logged reveal."
        ),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units])
        if len(units) == 1:
            unit_field.widget = forms.HiddenInput()
            unit_field.initial = units[0].pk
        self.fields["phone"].widget.attrs["autocomplete"] = "off"

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        data["gender"] = data.get("gender") or ""
        data["protection"] = data.get("protection") or ""
        return data


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or identity number"),
        max_length=100,
        help_text=_("Last name first, e.g. “Andersson Anna”, or 12 digits."),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the protected details?"),
        max_length=200,
        help_text=_("Your reason is logged and reviewed."),
    )


class CandidateForm(forms.Form):
    """What is known of a person, to find the candidates the unit may already know. Every field
    may be left out, but not all; an unreadable number or date is an error beside its field."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("First and last name, as far as known."),
    )
    identity_number = forms.CharField(label=_("Identity number"), max_length=20, required=False)
    birth_date = forms.CharField(
        label=_("Date of birth"),
        max_length=20,
        required=False,
        help_text=_("For example 1985-04-12, or just 1985."),
    )
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                self.record = query_record(cleaned)
            except ValidationError as error:
                add_action_errors(self, error)
        return cleaned
