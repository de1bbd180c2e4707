from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssuranceConfig(AppConfig):
    """Audit readiness: the clause map, evidence packs, process-compliance checks and external audits."""

    name = "assurance"
    verbose_name = _("Audit readiness")

    def ready(self):
        # Its own rules (approvals, the audit trail), the scheduled check run, and a finding as a source of an
        # improvement.
        from . import checks, rules  # noqa: F401

        checks.register()
