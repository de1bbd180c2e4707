"""Sections later stages add to the project summary report (SP-4.5.2): problems, security incidents, improvements.

The summary report lists what the project's own records hold; a later stage (issue 13's problems, security
incidents and improvements) registers a provider from its `AppConfig.ready()`:

    summary_sections.register(provider)

where `provider(project, contract, start, end) -> Section | None` (start, end: aware datetimes of the period
measured). Its section is frozen into the report's snapshot with the other figures, in the company's language
(generation runs in it), so an approved report never changes when those records do.
"""

from dataclasses import asdict, dataclass, field

_providers = []


@dataclass(frozen=True)
class Section:
    key: str  # stable: "problems", "security_incidents", "improvements"
    title: str
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # lists of plain values (text, numbers), one per row
    note: str = ""  # e.g. "No problem was recorded for this contract."

    def as_dict(self):
        return asdict(self)


def register(provider):
    """Add a provider; returns it, so it can decorate."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections(project, contract, start, end) -> list[dict]:
    """Every registered provider's section (JSON-ready), in registration order; a provider may give none."""
    result = []
    for provider in _providers:
        section = provider(project, contract, start, end)
        if section is not None:
            result.append(section.as_dict())
    return result


def registered() -> bool:
    return bool(_providers)
