from .engagements import AuditEngagement
from .findings import ComplianceRun, Finding
from .packs import EvidencePack

__all__ = ["AuditEngagement", "ComplianceRun", "EvidencePack", "Finding"]
