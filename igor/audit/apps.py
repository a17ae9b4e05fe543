from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "igor.audit"
    label = "audit"
    verbose_name = "Audit trail"
