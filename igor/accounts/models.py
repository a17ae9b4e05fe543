from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.accounts.roles import CAPABILITIES, Cap, Role


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police")
    SOCIAL_SERVICES = "social_services", _("Social services")


class Organisation(models.Model):
    """A controlling authority: a police area or a municipal social-services administration."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A joint group of one police and one social-services organisation."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    police = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="police_units")
    social_services = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="social_services_units"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def organisations(self) -> tuple[Organisation, Organisation]:
        return (self.police, self.social_services)


class User(AbstractUser):
    """A member of staff: one organisation, one or more units, one role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    units = models.ManyToManyField(Unit, related_name="staff", blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_known")
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def can(self, cap: Cap) -> bool:
        if not self.is_active or not self.role:
            return False
        return cap in CAPABILITIES.get(Role(self.role), frozenset())

    def unit_ids(self) -> list[int]:
        cached: list[int] | None = getattr(self, "_unit_ids", None)
        if cached is None:
            cached = list(self.units.values_list("id", flat=True))
            self._unit_ids = cached
        return cached


def _hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def new_secret() -> str:
        return "igor_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)


class UserSession(models.Model):
    """Which sessions belong to whom, so logout and deactivation can end all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"
