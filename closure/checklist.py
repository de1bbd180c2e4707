"""The closure checklist (SP-4.5.2): what must be settled before a project closes, computed from its state.

Each stage that leaves something open on a project registers a source here: `register(source)`, where
`source(project) -> iterable of Item`. The closure stage lists the projects' own open work (tasks, change
requests, meeting actions, the last agreed report, records not yet approved) and its own steps (summary
report, internal review, customer acceptance); a later stage (problems, improvements) registers its open items
from its own `AppConfig.ready()` and the checklist shows them without the closure stage naming it.

An item is open until the project's state settles it, or until an authorised manager disposes of it (waived,
or handed over to a named owner) with a recorded reason (`closure.services.closure`).
"""

from dataclasses import dataclass

_sources = []


@dataclass(frozen=True)
class Item:
    key: str  # stable across runs, e.g. "task:42": a disposition names the item by it
    label: str  # what a person reads: "Task 1.3 Install monitoring agents is in progress"
    url: str = ""  # the page that settles it
    done: bool = False
    group: str = ""  # the heading it is listed under (tasks, changes, actions, reports, closure steps)
    may_dispose: bool = True  # False for the procedure's own steps (summary, review, acceptance): never waived


def register(source):
    """`source(project) -> iterable of Item`; returns it, so it can decorate."""
    _sources.append(source)
    return source


def items(project) -> list[Item]:
    """Every item of the project's checklist, in the order the sources were registered."""
    return [item for source in _sources for item in source(project)]


# Record types an item of their own settles (a change request decided; later the summary report approved): the
# built-in "records archived" source leaves them out, so nothing is listed twice.
_own_types = set()


def checks_record_type(*codes):
    """Declare that a source's items settle the records of these types (record type codes)."""
    _own_types.update(codes)


def record_types_checked_elsewhere() -> frozenset:
    return frozenset(_own_types)
