"""Every string has Swedish; the public pages also have Arabic and Persian (ARCHITECTURE §1.7)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

IGOR = Path(__file__).resolve().parent.parent / "igor"
# The project's templates and catalogues, and each app's own (igor/<app>/templates, igor/<app>/locale),
# so an app can carry its strings with it; Django merges them at run time the same way.
TEMPLATE_DIRS = [IGOR / "templates", *sorted(IGOR.glob("*/templates"))]
LOCALE_DIRS = [IGOR / "locale", *sorted(IGOR.glob("*/locale"))]
LANGUAGES = ["sv", "en", "ar", "fa"]

# Templates anyone can reach without logging in (and the parts every page includes); besides these,
# every template with a folder named "public" in its path.
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


def all_templates() -> dict[str, Path]:
    """Every template by the name views load it with (the first folder wins, as Django's loaders do)."""
    found: dict[str, Path] = {}
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            found.setdefault(str(path.relative_to(folder)), path)
    return found


def public_templates() -> list[str]:
    named = [name for name in all_templates() if "public" in Path(name).parts[:-1]]
    return [*PUBLIC_TEMPLATES, *named]


def template_msgids(name: str) -> set[str]:
    """The msgids a template asks for, found the way makemessages finds them."""
    source = all_templates()[name].read_text(encoding="utf-8")
    return {ast.literal_eval(match) for match in _CALL.findall(templatize(source))}


def catalogue_files(language: str) -> list[Path]:
    files = [folder / language / "LC_MESSAGES" / "django.po" for folder in LOCALE_DIRS]
    return [path for path in files if path.exists()]


def catalogue_entries(language: str) -> list[polib.POEntry]:
    """The live entries of every catalogue of one language."""
    return [entry for path in catalogue_files(language) for entry in _live(polib.pofile(str(path)))]


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_it_has_every_string_translated_and_none_fuzzy(language: str) -> None:
    entries = catalogue_entries(language)
    untranslated = [entry.msgid for entry in entries if not _translated(entry)]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"{language}: untranslated: {untranslated}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy}"
    assert not any(polib.pofile(str(path)).metadata_is_fuzzy for path in catalogue_files(language))


def test_it_has_every_template_string_in_the_swedish_catalogue() -> None:
    known = {entry.msgid for entry in catalogue_entries("sv")}
    missing = {name: sorted(template_msgids(name) - known) for name in all_templates()}
    missing = {name: ids for name, ids in missing.items() if ids}
    assert not missing, f"run makemessages and translate: {missing}"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_it_has_the_public_pages_in_arabic_and_persian(language: str) -> None:
    translated = {entry.msgid for entry in catalogue_entries(language) if _translated(entry)}
    wanted = set(PUBLIC_PYTHON_STRINGS)
    for name in public_templates():
        wanted |= template_msgids(name)
    missing = sorted(wanted - translated)
    assert not missing, f"{language}: public strings without translation: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_ships_a_compiled_catalogue_that_matches_its_source(language: str) -> None:
    for source in catalogue_files(language):
        compiled = source.with_suffix(".mo")
        assert compiled.exists(), f"run compilemessages for {source}"
        in_mo = {entry.msgid: entry.msgstr for entry in polib.mofile(str(compiled))}
        stale = [
            entry.msgid
            for entry in _live(polib.pofile(str(source)))
            if _translated(entry)
            and not entry.msgid_plural
            and in_mo.get(entry.msgid) != entry.msgstr
        ]
        assert not stale, f"{source}: django.mo is older than django.po: {stale}"
