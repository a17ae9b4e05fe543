from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Role
from igor.stats.dashboard import NATIONAL
from igor.stats.extracts import VARIABLES
from igor.stats.periods import Period, PeriodError, check_comparison, default_periods
from igor.stats.suppression import DEFAULT_THRESHOLD

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def threshold() -> int:
    return int(getattr(settings, "IGOR_STATS_MIN_CELL", DEFAULT_THRESHOLD))


class PeriodsForm(forms.Form):
    area = forms.ChoiceField(label=_("Figures for"))
    start = forms.DateField(label=_("Main period, first day"), widget=DATE)
    end = forms.DateField(label=_("Main period, last day"), widget=DATE)
    comparison_start = forms.DateField(label=_("Comparison period, first day"), widget=DATE)
    comparison_end = forms.DateField(label=_("Comparison period, last day"), widget=DATE)

    def __init__(self, data: Any, *, units: list[Unit], today: datetime.date) -> None:
        main, comparison = default_periods(today)
        defaults = {
            "area": str(units[0].pk) if units else NATIONAL,
            "start": main.start,
            "end": main.end,
            "comparison_start": comparison.start,
            "comparison_end": comparison.end,
        }
        given = {key: value for key, value in (data or {}).items() if key in defaults}
        bound = {
            **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in defaults.items()},
            **given,
        }
        super().__init__(bound)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [(str(u.pk), u.name) for u in units] + [
            (NATIONAL, _("All units (national, aggregates only)"))
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        main = self._period(data, "start", "end")
        comparison = self._period(data, "comparison_start", "comparison_end")
        if main and comparison:
            try:
                check_comparison(main, comparison)
            except PeriodError as error:
                self.add_error("comparison_start", str(error))
        data["main"], data["comparison"] = main, comparison
        return data

    def _period(self, data: dict[str, Any], start: str, end: str) -> Period | None:
        if start not in data or end not in data:
            return None
        try:
            return Period(data[start], data[end])
        except PeriodError as error:
            self.add_error(end, str(error))
            return None


class StudyForm(forms.Form):
    name = forms.CharField(label=_("Name of the study"), max_length=200)
    ethics_reference = forms.CharField(
        label=_("Ethics approval reference"),
        max_length=100,
        required=False,  # checked by the action, so the message is the same for page and API
        help_text=_("The Swedish Ethical Review Authority's reference, e.g. Dnr 2026-01234-01."),
    )
    period_start = forms.DateField(label=_("First day"), widget=DATE)
    period_end = forms.DateField(label=_("Last day"), widget=DATE)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    variables = forms.MultipleChoiceField(
        label=_("Variables"),
        choices=[(v.key, v.label) for v in VARIABLES],
        widget=forms.CheckboxSelectMultiple,
    )
    researcher = forms.ModelChoiceField(label=_("Researcher"), queryset=User.objects.none())
    k = forms.IntegerField(
        label=_("Smallest group (k)"),
        min_value=2,
        max_value=100,
        initial=DEFAULT_THRESHOLD,
        help_text=_("Every combination of indirectly identifying values covers at least k rows."),
    )

    action_field_names = {"period_end": "period_end"}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["units"]
        assert isinstance(unit_field, forms.ModelMultipleChoiceField)
        # Every unit is listed, so asking for one outside your scope gets a clear message.
        unit_field.queryset = Unit.objects.order_by("name")
        researcher = self.fields["researcher"]
        assert isinstance(researcher, forms.ModelChoiceField)
        researcher.queryset = User.objects.filter(role=Role.RESEARCHER, is_active=True).order_by(
            "last_name", "first_name"
        )
        self.own_units = units


class ExtractForm(forms.Form):
    period_start = forms.DateField(label=_("First day"), widget=DATE)
    period_end = forms.DateField(label=_("Last day"), widget=DATE)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["units"]
        assert isinstance(unit_field, forms.ModelMultipleChoiceField)
        unit_field.queryset = Unit.objects.order_by("name")
