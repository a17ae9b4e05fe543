"""Every string has Swedish; the public pages also have Arabic and Persian (ARCHITECTURE §1.7)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

IGOR = Path(__file__).resolve().parent.parent / "igor"
TEMPLATES = IGOR / "templates"
LOCALE = IGOR / "locale"

# Templates anyone can reach without logging in (and the parts every page includes).
PUBLIC_TEMPLATES = [
    "base.html",
    "accessibility.html",
    "403.html",
    "404.html",
    "500.html",
    "403_csrf.html",
    "accounts/login.html",
    "accounts/verify.html",
    "accounts/locked_out.html",
    "accounts/no_authenticator.html",
    "includes/error_summary.html",
    "forms/field.html",
    "forms/field_messages.html",
]
# Strings from Python code that the public pages show: form labels, login errors, language names.
PUBLIC_PYTHON_STRINGS = [
    "Username",
    "Password",
    "Code from your authenticator app",
    "Enter the 6 digits shown in the app.",
    "The username or password is wrong.",
    "The code is wrong or already used. Wait for the next code.",
    "Swedish",
    "English",
    "Arabic",
    "Persian",
]

_CALL = re.compile(r"\b(?:n?gettext|n?pgettext)\((u'(?:[^'\\]|\\.)*'|u\"(?:[^\"\\]|\\.)*\")")


def template_msgids(name: str) -> set[str]:
    """The msgids a template asks for, found the way makemessages finds them."""
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    return {ast.literal_eval(match) for match in _CALL.findall(templatize(source))}


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_it_has_every_string_translated_and_none_fuzzy(language: str) -> None:
    po = catalogue(language)
    untranslated = [entry.msgid for entry in _live(po) if not _translated(entry)]
    fuzzy = [entry.msgid for entry in _live(po) if "fuzzy" in entry.flags]
    assert not untranslated, f"{language}: untranslated: {untranslated}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy}"
    assert not po.metadata_is_fuzzy


def test_it_has_every_template_string_in_the_swedish_catalogue() -> None:
    known = {entry.msgid for entry in _live(catalogue("sv"))}
    missing = {
        str(path.relative_to(TEMPLATES)): sorted(
            template_msgids(str(path.relative_to(TEMPLATES))) - known
        )
        for path in TEMPLATES.rglob("*.html")
    }
    missing = {name: ids for name, ids in missing.items() if ids}
    assert not missing, f"run makemessages and translate: {missing}"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_it_has_the_public_pages_in_arabic_and_persian(language: str) -> None:
    translated = {entry.msgid for entry in _live(catalogue(language)) if _translated(entry)}
    wanted = set(PUBLIC_PYTHON_STRINGS)
    for name in PUBLIC_TEMPLATES:
        wanted |= template_msgids(name)
    missing = sorted(wanted - translated)
    assert not missing, f"{language}: public strings without translation: {missing}"


@pytest.mark.parametrize("language", ["sv", "en", "ar", "fa"])
def test_it_ships_a_compiled_catalogue_that_matches_its_source(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = folder / "django.mo"
    assert compiled.exists(), f"run compilemessages for {language}"
    in_mo = {entry.msgid: entry.msgstr for entry in polib.mofile(str(compiled))}
    stale = [
        entry.msgid
        for entry in _live(catalogue(language))
        if _translated(entry) and not entry.msgid_plural and in_mo.get(entry.msgid) != entry.msgstr
    ]
    assert not stale, f"{language}: django.mo is older than django.po: {stale}"
