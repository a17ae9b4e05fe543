from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from igor.accounts.roles import ActingRole


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), strip=False, max_length=128, widget=forms.PasswordInput
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class TokenForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("Enter the 6 digits shown in the app.")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")


class ActingRoleForm(forms.Form):
    acting_role = forms.ChoiceField(label=_("I am acting in"), choices=ActingRole.choices)
