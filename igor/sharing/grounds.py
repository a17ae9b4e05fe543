"""The closed list of statutory bases for disclosure across the wall, with their conditions.

Each ground says which way it may carry data and which conditions the recording officer must
confirm. A basis is only as wide as its ground allows; anything else needs the person's consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from igor.accounts.models import OrganisationKind


class StatutoryGround(models.TextChoices):
    OSL_10_18C = (
        "osl_10_18c",
        _("OSL 10 kap. 18 c § – preventing serious violence against a close relation"),
    )
    OSL_10_18A = "osl_10_18a", _("OSL 10 kap. 18 a § – preventing crime by a person under 21")
    OSL_10_21_23 = "osl_10_21_23", _("OSL 10 kap. 21–23 §§ – suspicion of a serious crime")
    OROSANMALAN = "orosanmalan", _("Report of concern about a child (SoL, duty to report)")


@dataclass(frozen=True)
class Ground:
    from_kind: str
    to_kind: str
    conditions: tuple[tuple[str, Promise], ...]


SS = OrganisationKind.SOCIAL_SERVICES
POLICE = OrganisationKind.POLICE

GROUNDS: dict[str, Ground] = {
    StatutoryGround.OSL_10_18C: Ground(
        SS,
        POLICE,
        (
            (
                "risk",
                _(
                    "Because of special circumstances there is a risk that the person will commit a crime under BrB 3, 4 or 6 kap. with at least one year's imprisonment against a close relation"
                ),
            ),
            ("prevents", _("The information can be assumed to help prevent the crime")),
            (
                "not_inappropriate",
                _("Given planned or ongoing interventions it is not inappropriate to disclose it"),
            ),
        ),
    ),
    StatutoryGround.OSL_10_18A: Ground(
        SS,
        POLICE,
        (
            ("under_21", _("The person is under 21")),
            (
                "risk",
                _(
                    "Because of special circumstances there is a risk that the person will engage in crime"
                ),
            ),
            ("prevents", _("The information can be assumed to help prevent it")),
            (
                "not_inappropriate",
                _("Given planned or ongoing interventions it is not inappropriate to disclose it"),
            ),
        ),
    ),
    StatutoryGround.OSL_10_21_23: Ground(
        SS,
        POLICE,
        (
            ("suspicion", _("The information concerns suspicion of a committed crime")),
            (
                "threshold",
                _(
                    "The crime is against a person under 18 (BrB 3, 4 or 6 kap.), or carries at least one year's imprisonment"
                ),
            ),
        ),
    ),
    StatutoryGround.OROSANMALAN: Ground(
        POLICE,
        SS,
        (
            ("child", _("The information concerns a child under 18")),
            ("concern", _("The police know or suspect that the child is at risk")),
            ("individual", _("This disclosure has been assessed individually, not as a routine")),
        ),
    ),
}
