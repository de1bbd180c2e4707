"""Reporting decisions, one module per sub-domain: monthly reports, the internal report, quality meetings."""
