"""Demo rows for the tip line: each unit's public address, a help directory, and tips and
self-referrals in every state, written through the tip actions. Enough of each kind (five or more)
that the unit's figures of tips are shown rather than suppressed as small numbers; a few tips open
a case of their own (the hidden-figure proxy counts those as first known through a tip)."""

from __future__ import annotations

import datetime
import random

from igor.accounts.models import Unit, User
from igor.accounts.roles import Role
from igor.tips import actions
from igor.tips.models import HelpEntry, Tip, TipLine

SLUGS = {"IGOR Södermalm": "sodermalm", "IGOR Norrmalm": "norrmalm"}
HELP = [
    (
        "Kvinnofridslinjen",
        "Stöd till den som utsatts för våld, hot eller kränkningar.",
        "020-50 50 50",
        "Dygnet runt",
        "https://kvinnofridslinjen.se/",
    ),
    (
        "Brottsofferjouren",
        "Stöd till brottsutsatta, vittnen och anhöriga.",
        "116 006",
        "Vardagar 7–21, helger 9–18",
        "https://www.brottsofferjouren.se/",
    ),
    (
        "Välj att sluta",
        "Stödlinje för dig som utsätter en närstående för våld.",
        "020-555 666",
        "Vardagar 8–20",
        "https://valjattsluta.se/",
    ),
    (
        "Socialjouren",
        "Akut hjälp från socialtjänsten när kontoret är stängt.",
        "08-508 40 000",
        "Kvällar, nätter och helger",
        "",
    ),
]
TIPS = [
    (
        "Skrik och dunsar från lägenheten mitt emot flera kvällar i rad. En kvinna grät i trapphuset.",
        "yes",
        "unknown",
        "yes",
        "neighbour",
    ),
    (
        "Min kollega har haft blåmärken på armarna flera gånger och säger att hon inte får gå ut på kvällarna.",
        "no",
        "no",
        "unknown",
        "colleague",
    ),
    (
        "Jag hörde en man hota att döda sin fru på gården. Barnen stod bredvid.",
        "yes",
        "yes",
        "yes",
        "neighbour",
    ),
    (
        "En väninna berättar att hennes sambo kontrollerar hennes telefon och pengar.",
        "no",
        "unknown",
        "no",
        "friend",
    ),
]


def load_demo_tips(seed: int) -> int:
    """Idempotent per unit: units that already have a tip line are left alone."""
    rng = random.Random(seed)
    made = 0
    for unit in Unit.objects.filter(name__in=SLUGS):
        if TipLine.objects.filter(unit=unit).exists():
            continue
        TipLine.objects.create(unit=unit, slug=SLUGS[unit.name])
        for position, (name, helps, phone, hours, web) in enumerate(HELP):
            HelpEntry.objects.create(
                unit=unit,
                name=name,
                helps_with=helps,
                phone=phone,
                hours=hours,
                web=web,
                position=position,
            )
        made += _tips(unit, rng)
    return made


# How the tipsters know, in turn: five or more of each, so no category is a small cell.
HOW_KNOWN = ("neighbour", "colleague", "friend")
TIPS_PER_UNIT = 16
SELF_REFERRALS_PER_KIND = 5
CASES_FROM_TIPS = range(4, 9)  # these tips each open a case of their own


def _tips(unit: Unit, rng: random.Random) -> int:
    triage = User.objects.filter(units=unit, role=Role.TRIAGE_OFFICER).first()
    for number in range(TIPS_PER_UNIT):
        text, children, weapons, threats, _how = TIPS[number % len(TIPS)]
        how = HOW_KNOWN[number % len(HOW_KNOWN)]
        sent = actions.submit(
            unit=unit,
            kind="tip",
            language="sv",
            details={
                "what_happened": text,
                "children_in_home": children,
                "weapons": weapons,
                "threats": threats,
                "how_known": how,
                "place": "Södermalm" if "Söder" in unit.name else "Norrmalm",
            },
            contact={"phone": f"070-174 06 9{number}"} if number == 1 else {},
            submission_key=f"demo-{unit.pk}-{number}-{rng.random()}",
        )
        age = datetime.timedelta(hours=rng.randint(48, 24 * 20))
        Tip.objects.filter(pk=sent.tip.pk).update(received_at=sent.tip.received_at - age)
        if triage is not None and number >= 2:
            tip = actions.write_summary(
                actor=triage,
                tip=sent.tip,
                summary="Uppgift om hot och våld i en familj med barn. Tipsaren är granne.",
                protect_tipster=True,
            )
            actions.reply_to_tipster(
                actor=triage,
                tip=tip,
                body="Tack för ditt tips. Vet du ungefär hur gamla barnen är?",
            )
        if triage is not None and number in CASES_FROM_TIPS:
            actions.open_case_from_tip(
                actor=triage, tip=tip, title="Oro för våld i familj, från tips"
            )
        if triage is not None and number == 3:
            actions.close_with_outcome(
                actor=triage,
                tip=tip,
                outcome="no_action",
                reason="Kunde inte kopplas till någon adress.",
            )
    for number in range(SELF_REFERRALS_PER_KIND):
        _self_referrals(unit, rng, number)
    return TIPS_PER_UNIT + 2 * SELF_REFERRALS_PER_KIND


def _self_referrals(unit: Unit, rng: random.Random, number: int) -> None:
    actions.submit(
        unit=unit,
        kind="contact_me",
        language="sv",
        details={"message": "Jag vill prata med någon men min man får inte veta."},
        contact={
            "phone": "070-174 06 99",
            "safe_times": "Vardagar 10–12",
            "voicemail_ok": False,
            "sms_ok": False,
            "code_word": "Blåbär",
            "others_read_phone": "unsure",
        },
        submission_key=f"demo-{unit.pk}-contact-{number}-{rng.random()}",
    )
    actions.submit(
        unit=unit,
        kind="help_to_stop",
        language="sv",
        details={"message": "Jag har slagit min sambo och vill ha hjälp att sluta."},
        contact={"phone": "070-174 06 98", "safe_times": "Kvällar", "sms_ok": True},
        submission_key=f"demo-{unit.pk}-stop-{number}-{rng.random()}",
    )
