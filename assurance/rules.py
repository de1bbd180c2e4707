"""The rules about approvals and the audit trail, which no single stage owns (core.compliance)."""
