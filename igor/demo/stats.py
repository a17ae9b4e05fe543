"""Demo research study: the Södermalm lead has registered an evaluation for the researcher, with
one finished extract, so the studies page, the export register and a download show real output."""

from __future__ import annotations

import datetime

from igor.accounts.models import User
from igor.stats import actions
from igor.stats.extracts import VARIABLE_KEYS
from igor.stats.models import Extract, Study


def add_demo_study(now: datetime.datetime) -> Study | None:
    lead = User.objects.filter(username="chef.sodermalm").first()
    researcher = User.objects.filter(username="forskare").first()
    if lead is None or researcher is None or Study.objects.exists():
        return None
    study = actions.register_study(
        actor=lead,
        name="Utvärdering av IGOR Södermalm: stöd, behandling och återfall",
        ethics_reference="Dnr 2026-04417-01",
        period_start=datetime.date(now.year - 4, 1, 1),
        period_end=now.date(),
        units=list(lead.units.all()),
        variables=[v for v in VARIABLE_KEYS if v != "violence_kinds"],
        researcher=researcher,
        k=5,
    )
    extract = Extract.objects.create(
        study=study,
        period_start=study.period_start,
        period_end=study.period_end,
        requested_by=researcher,
    )
    extract.units.set(study.units.all())
    actions.run_extract(extract_id=extract.pk, today=now.date())
    return study
