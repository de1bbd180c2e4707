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


# ---- internal review and acceptance certificate (the procedure's own steps: never waived) ----
def _review_and_acceptance(project):
    from django.urls import reverse
    from django.utils.translation import gettext as _t

    from .services import acceptance, review

    passed = review.latest_passed(project)
    current = review.review_of(project)
    review_url = current.get_absolute_url() if current else reverse("closure:internalreview_start", args=[project.pk])
    yield Item("closure:internal_review", _t("Internal review passed") if passed and passed == current
               else _t("Internal review not passed yet"), review_url, done=passed is not None and passed == current,
               group=_t("Closure steps"), may_dispose=False)
    cert = acceptance.certificate_of(project)
    accepted = acceptance.is_accepted(project)
    label = _t("The customer accepted the acceptance certificate") if accepted else \
        _t("The customer has not accepted the acceptance certificate")
    yield Item("closure:acceptance", label, cert.get_absolute_url() if cert else review_url, done=accepted,
               group=_t("Closure steps"), may_dispose=False)


register(_review_and_acceptance)
