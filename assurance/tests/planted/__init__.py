"""Violations planted in the demo company, one module per part of the procedure: each `plant(demo)` writes its
violations through the services a user would use (plus direct database edits where a rule is about tampering)
and returns what the checks must find: [Expected(rule_id, record, key), ...]. test_planted.py runs them all."""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Expected:
    rule_id: str
    record: models.Model
    key: str = ""

    def identity(self):
        from django.contrib.contenttypes.models import ContentType

        return (self.rule_id, ContentType.objects.get_for_model(type(self.record)).pk, self.record.pk, self.key)


def planters():
    from . import approvals, closure_quality, contracts_projects, reporting

    return [contracts_projects.plant, reporting.plant, closure_quality.plant, approvals.plant]
