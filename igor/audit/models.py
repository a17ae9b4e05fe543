from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    READ = "read", _("Read")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    DISCLOSE = "disclose", _("Disclosed across the wall")
    REVEAL = "reveal", _("Revealed protected details")
    BREAK_GLASS = "break_glass", _("Emergency access")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    TOKEN = "token", _("API token")
    WITHDRAW = "withdraw", _("Withdrew")
    APPROVE = "approve", _("Approved")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    DELETE = "delete", _("Deleted")
    LINK = "link", _("Linked")
    UNLINK = "unlink", _("Unlinked")
    MERGE = "merge", _("Merged")
    UNDO_MERGE = "undo_merge", _("Undid a merge")


class AuditEvent(models.Model):
    """One append-only, hash-chained event. Never updated or deleted (a database trigger refuses).

    mac = HMAC-SHA256(key, prev_mac ‖ canonical JSON of the other fields); the key is outside the
    database, so an edited, deleted, inserted or reordered row breaks the chain.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=200, blank=True)
    basis = models.CharField(max_length=200, blank=True)
    acting_role = models.CharField(max_length=20, blank=True)
    break_glass = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["verb", "at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """The single row that serialises appends and remembers the last link (so a cut tail shows)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class Disclosure(models.Model):
    """The disclosure register: every read across the wall, with its basis (rule A4).

    Kept even after the basis is withdrawn or expires (rule A3).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    basis = models.ForeignKey(
        "sharing.SharingBasis", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    break_glass = models.BooleanField(default=False)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    person_id = models.BigIntegerField(null=True, blank=True)
    audit_event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} → {self.to_organisation_id}"
