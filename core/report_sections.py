"""Sections a later stage adds to an earlier stage's report, frozen with the report's own figures.

The monthly service report, the internal report (SP-4.5.1) and the project summary report (SP-4.5.2) list what
their own stage's records hold. A later stage (problems, security incidents, improvements) adds what it knows
about the same contracts and period by registering a provider from its `AppConfig.ready()`:

    report_sections.register(report_sections.MONTHLY, provider)

where `provider(scope) -> Section | None`. Generation runs in the company's language and freezes every section
into the report's snapshot (`sections`), so an approved or issued report never changes when those records do;
the report's page and its PDF/DOCX show the frozen sections, one table each, in registration order.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

MONTHLY = "monthly"  # a contract's month (reporting.MonthlyServiceReport); the customer reads it
INTERNAL = "internal"  # every contract of an internal report, one month (reporting.InternalServiceReport)
SUMMARY = "summary"  # a project's contract over the project's period (closure.SummaryReport)
# The company's review period (strategy.ManagementReview): every contract in force in it; the GM and the MR read it
MANAGEMENT = "management"
REPORTS = (MONTHLY, INTERNAL, SUMMARY, MANAGEMENT)

_providers = {report: [] for report in REPORTS}


@dataclass(frozen=True)
class Scope:
    """What a report covers: its contracts (instances), the period [start, end) as aware datetimes, and, for a
    project summary report, the project."""

    contracts: tuple
    start: datetime
    end: datetime
    project: object = None


@dataclass(frozen=True)
class Section:
    key: str  # stable: "problems", "problem_candidates", "security_incidents", "improvements"
    title: str
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # lists of plain, already readable values (text, numbers)
    note: str = ""  # a line above the table, or instead of it: "No problem was recorded for this contract."

    def as_dict(self):
        return asdict(self)


def register(report, provider):
    """Add `provider(scope) -> Section | None` to a report's sections; returns it, so it can decorate."""
    if report not in _providers:
        raise ValueError(f"unknown report {report!r}; one of {REPORTS}")
    if provider not in _providers[report]:
        _providers[report].append(provider)
    return provider


def unregister(report, provider):
    if provider in _providers[report]:
        _providers[report].remove(provider)


def sections(report, scope) -> list[dict]:
    """Every registered provider's section for `scope` (JSON-ready), in registration order."""
    found = (provider(scope) for provider in _providers[report])
    return [section.as_dict() for section in found if section is not None]


def frozen(snapshot) -> list[dict]:
    """The sections frozen into a report's snapshot (summary reports of issue 12 named them `extra_sections`)."""
    snapshot = snapshot or {}
    return snapshot.get("sections", snapshot.get("extra_sections", []))


def export_sections(snapshot, level=1) -> list:
    """The frozen sections as sections of a PDF/DOCX export: the note as a paragraph, then the table."""
    from .exports import Section as ExportSection
    from .exports import Table

    return [ExportSection(s["title"], [s["note"]] if s["note"] else [],
                          tables=[Table(s["columns"], s["rows"], caption=s["title"])] if s["columns"] and s["rows"]
                          else [], level=level)
            for s in frozen(snapshot)]
