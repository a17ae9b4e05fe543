"""Forms of the tip line: the public steps and self-referrals, the dialogue, and the staff side.

Every free-text field has a size limit (rules.MAX_*); choices are closed lists; nothing a visitor
sends is trusted beyond what these forms let through.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import Unit, User
from igor.tips import rules
from igor.tips.models import Answer, HowKnown, OthersReadPhone, Outcome, TextKey, Urgency

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _text(
    label: Any, *, required: bool = False, help_text: Any = "", rows: int = 5
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=rules.MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "autocomplete": "off"}),
    )


def _line(
    label: Any, *, required: bool = False, help_text: Any = "", max_length: int = rules.MAX_SHORT
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _answer(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=Answer.choices, required=False, widget=forms.RadioSelect
    )


class Honeypot(forms.Form):
    """A field people never see or fill in; a form that fills it is a machine's."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


# --- The tip form, step by step ---------------------------------------------------------------


class DangerStep(forms.Form):
    danger_now = forms.ChoiceField(
        label=_("Is someone in danger right now?"), choices=YES_NO, widget=forms.RadioSelect
    )


class WhatStep(forms.Form):
    what_happened = _text(
        _("What has happened?"),
        required=True,
        help_text=_("Describe what you have seen or heard. Leave out details only you could know."),
        rows=8,
    )
    when_text = _line(
        _("When did it happen?"),
        help_text=_("For example: last Friday evening, often at weekends."),
    )
    place = _line(
        _("Where did it happen?"),
        help_text=_("An address or area. You do not have to give an exact address."),
    )


class WhoStep(forms.Form):
    people_involved = _text(
        _("Who is involved?"),
        help_text=_(
            "Names if you know them, otherwise a description: age, appearance, where they live."
        ),
    )
    children_in_home = _answer(_("Are there children in the home?"))
    weapons = _answer(_("Are there weapons in the home?"))
    threats = _answer(_("Has anyone been threatened?"))


class YouStep(forms.Form):
    how_known = forms.ChoiceField(
        label=_("How do you know about this?"),
        choices=HowKnown.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    how_known_other = _line(_("In your own words"), max_length=200)
    name = _line(_("Your name"), max_length=200)
    phone = _line(_("Your phone number"), max_length=40)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=200,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


STEP_FORMS: dict[int, type[forms.Form]] = {1: DangerStep, 2: WhatStep, 3: WhoStep, 4: YouStep}
LAST_STEP = 5  # check and send
CONTACT_OF_TIP = ("name", "phone", "email")


# --- Self-referrals -------------------------------------------------------------------------


class SafeContactForm(forms.Form):
    """How we may reach someone who asks for contact, without putting them at risk."""

    message = _text(_("What would you like to tell us?"), rows=6)
    name = _line(
        _("What should we call you?"),
        help_text=_("A first name or any name is enough."),
        max_length=200,
    )
    phone = _line(_("Phone number we may call"), required=True, max_length=40)
    safe_times = _line(
        _("When is it safe to call?"), help_text=_("For example: weekdays 9–11."), max_length=200
    )
    voicemail_ok = forms.ChoiceField(
        label=_("May we leave a voicemail?"), choices=YES_NO, initial="no", widget=forms.RadioSelect
    )
    sms_ok = forms.ChoiceField(
        label=_("May we send a text message?"),
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
    )
    others_read_phone = forms.ChoiceField(
        label=_("Does anyone else read or answer this phone?"),
        choices=OthersReadPhone.choices,
        widget=forms.RadioSelect,
    )
    code_word = _line(
        _("A code word"),
        help_text=_(
            "We say it when we call, so you know it is us. Choose a word nobody would guess."
        ),
        max_length=100,
    )
    preferred_language = _line(_("Which language do you want to speak?"), max_length=100)
    interpreter = forms.BooleanField(label=_("I need an interpreter"), required=False)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        digits = [ch for ch in phone if ch.isdigit()]
        if len(digits) < 6 or any(not (ch.isdigit() or ch in " +-()") for ch in phone):
            raise forms.ValidationError(_("Write a phone number, for example 070-123 45 67."))
        return phone


# --- The dialogue -----------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=60,
        help_text=_("The 28 digits you got when you sent your tip. Spaces do not matter."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class SavedForm(forms.Form):
    last_digits = forms.CharField(
        label=_("Type the last four digits of your code"),
        max_length=8,
        help_text=_("So we know you have it written down."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=rules.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
    )


# --- Staff side -------------------------------------------------------------------------------


class TriageForm(forms.Form):
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(units=unit, is_active=True).order_by("first_name")


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Sanitised summary"),
        max_length=rules.MAX_TEXT,
        help_text=_(
            "This is what case work sees. Leave out everything that could identify the tipster: "
            "how they know, where they live, what only they could have seen or heard."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    protect_tipster = forms.BooleanField(
        label=_("Protect the tipster: delay or disguise visible action"), required=False
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or identity number"), max_length=100)


class LinkPersonForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)


class LinkCaseForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"), max_length=30, help_text=_("For example 2026-0000123.")
    )


class OpenCaseForm(forms.Form):
    title = forms.CharField(label=_("Title of the new case"), max_length=200)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        help_text=_("Required for “no action”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_for = forms.DateTimeField(
        label=_("When to make contact"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "For “outreach planned” on a self-referral: a phone contact is planned in the "
            "tip's case, for example 2026-11-20 14:30."
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the tipster"),
        max_length=rules.MAX_MESSAGE,
        help_text=_("The tipster reads this with their code. Never ask for their name."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))],
    )


class HelpEntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    helps_with = forms.CharField(label=_("What they help with"), max_length=500)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    web = forms.URLField(
        label=_("Web address"), required=False, max_length=300, assume_scheme="https"
    )
    position = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=999, initial=0
    )


class TipLineForm(forms.Form):
    slug = forms.SlugField(
        label=_("Web address"), max_length=40, help_text=_("The last part of the public address.")
    )
    open = forms.BooleanField(label=_("The tip line takes submissions"), required=False)


class TextsForm(forms.Form):
    intro = forms.CharField(
        label=TextKey.INTRO.label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    poster_heading = forms.CharField(
        label=TextKey.POSTER_HEADING.label, required=False, max_length=200
    )
    poster_body = forms.CharField(
        label=TextKey.POSTER_BODY.label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PosterForm(forms.Form):
    language = forms.ChoiceField(label=_("Second language"), choices=[])
    size = forms.ChoiceField(
        label=_("Paper size"), choices=[("A4", "A4"), ("A3", "A3")], initial="A4"
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = languages
