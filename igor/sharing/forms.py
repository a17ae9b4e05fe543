from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
