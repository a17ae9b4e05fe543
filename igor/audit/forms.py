from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import User
from igor.accounts.roles import ActingRole
from igor.audit.models import Verb


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.order_by("username"),
        required=False,
        empty_label=_("(everyone)"),
        to_field_name="username",
    )
    person = forms.IntegerField(label=_("Person number in IGOR"), required=False, min_value=1)
    case = forms.IntegerField(label=_("Case number in IGOR"), required=False, min_value=1)
    verb = forms.ChoiceField(
        label=_("Event"), choices=[("", _("(all)")), *Verb.choices], required=False
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    acting_role = forms.ChoiceField(
        label=_("Acting in"), choices=[("", _("(all)")), *ActingRole.choices], required=False
    )
    break_glass = forms.BooleanField(label=_("Only emergency access"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
