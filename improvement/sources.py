"""Where improvements come from: one descriptor per kind of source record (SP-4.5.6, issue 13 point 4).

Each `Source` says, for a model label, which source kind it feeds, whether a record of it calls for an improvement
now (a missed target, a low score, a failed criterion), the contract it concerns, its readable label and the
measure to suggest. `register_sources()` (from ImprovementConfig.ready()) puts a "Raise improvement" button on
each source's page through core.extensions; the button opens the improvement's add page prefilled from the source
(`prefill`). Problems and security incidents are other apps built alongside: they are looked up by model label and
only when installed, so this module never imports them.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _t

from core.extensions import Action, register_action
from core.permissions import allowed

from .choices import MeasureKind, SourceKind

LOW_SCORE = 2  # a satisfaction answer at or below it is a low score


@dataclass(frozen=True)
class Source:
    model_label: str
    kind: str
    # (obj) -> bool: the record calls for an improvement now
    eligible: object = None
    # (obj) -> dict of prefilled values beyond kind/label/contract: measure, measure_priority, plan, title
    suggest: object = None
    # (obj) -> the contract it concerns (or None: company-wide)
    contract: object = None
    # (obj) -> its readable label
    label: object = None
    # On which page the button shows, when not on the source's own page: (page obj) -> iterable of source objs
    page_label: str = ""
    sources_on_page: object = None


SOURCES: dict[str, Source] = {}


def register(source: Source):
    SOURCES[source.model_label] = source
    return source


def model_installed(label) -> bool:
    app_label, _name = label.split(".")
    if not apps.is_installed(app_label) and app_label not in {c.label for c in apps.get_app_configs()}:
        return False
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def source_for(obj) -> Source | None:
    return SOURCES.get(obj._meta.label_lower)


def _attr_path(obj, *paths):
    for path in paths:
        value = obj
        for step in path.split("."):
            value = getattr(value, step, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def contract_of(obj):
    source = source_for(obj)
    if source is not None and source.contract is not None:
        return source.contract(obj)
    return _attr_path(obj, "contract", "project.contract")


def label_of(obj) -> str:
    source = source_for(obj)
    text = source.label(obj) if source is not None and source.label is not None else str(obj)
    return str(text)[:300]


def prefill(obj) -> dict:
    """The improvement's initial values raised from `obj`: source kind, record, label, contract, title, measure."""
    source = source_for(obj)
    contract = contract_of(obj)
    values = {"source_kind": source.kind if source else SourceKind.OTHER, "source_label": label_of(obj),
              "contract": contract, "measure": MeasureKind.RESPONSE, "measure_priority": ""}
    if source is not None and source.suggest is not None:
        values.update({k: v for k, v in source.suggest(obj).items() if v is not None})
    values.setdefault("title", (_t("Improvement: %(source)s") % {"source": values["source_label"]})[:200])
    return values


def raise_url(obj) -> str:
    return f"{reverse('improvement:improvement_add')}?" + urlencode({"source": obj._meta.label_lower,
                                                                   "source_id": obj.pk})


def may_raise(obj, user) -> bool:
    from .models import Improvement

    return allowed(user, Improvement, "add") and allowed(user, obj, "view")


def resolve(label, pk, user):
    """The source record named by a request (?source=app.model&source_id=), if registered and visible, else None."""
    if label not in SOURCES or not str(pk or "").isdigit() or not model_installed(label):
        return None
    model = apps.get_model(label)
    return model.objects.restrict(user, "view").filter(pk=pk).first()


# ---- the sources -----------------------------------------------------------------------------------

def _metric_measure(key):
    """A monthly report's metric key (response_P2, resolution_all, availability, mttr, ...) as a measure."""
    kind, _sep, priority = key.partition("_")
    if kind in (MeasureKind.RESPONSE, MeasureKind.RESOLUTION):
        return {"measure": kind, "measure_priority": "" if priority in ("", "all") else priority}
    if kind in ("availability", "mttr", "mtbf"):
        return {"measure": MeasureKind.AVAILABILITY, "measure_priority": ""}
    return {"measure": MeasureKind.RESPONSE, "measure_priority": ""}


def metric_label(analysis):
    """The missed metric's name in the active language (the stored label is in the report's language)."""
    from reporting.figures import metric_name

    kind, _sep, priority = analysis.metric_key.partition("_")
    try:
        return metric_name({"kind": kind, "priority": "" if priority == "all" else priority})
    except KeyError:
        return analysis.metric_label


def _analysis_label(analysis):
    report = analysis.report
    return f"{report.number} {report.period_label} · {metric_label(analysis)}"


register(Source(
    "reporting.metricanalysis", SourceKind.MISSED_TARGET,
    eligible=lambda a: True,
    contract=lambda a: a.report.contract,
    label=_analysis_label,
    suggest=lambda a: {**_metric_measure(a.metric_key),
                       "plan": "\n".join(t for t in (a.analysis.strip(), a.improvement.strip()) if t)},
    page_label="reporting.monthlyservicereport",
    sources_on_page=lambda report: report.analyses.all()))


def _action_contract(action):
    project = action.project
    return project.contract if project is not None else None


register(Source(
    "reporting.actionitem", SourceKind.MEETING_ACTION,
    eligible=lambda a: True,
    contract=_action_contract,
    label=lambda a: f"{a.minutes.number} · {a.description}",
    suggest=lambda a: {"plan": a.description, "owner": a.owner, "due_date": a.due_date}))

register(Source(
    "reporting.satisfactionresponse", SourceKind.LOW_SATISFACTION,
    eligible=lambda r: r.score <= LOW_SCORE,
    contract=lambda r: r.contract,
    label=lambda r: _t("%(contract)s %(period)s: score %(score)s/5 (%(name)s)")
    % {"contract": r.contract.number, "period": r.period_label, "score": r.score, "name": r.respondent_name},
    suggest=lambda r: {"measure": MeasureKind.SATISFACTION, "plan": r.comment}))


def _review_findings(review):
    from closure.models.review import Verdict
    from closure.services.review import current_verdicts

    verdicts = current_verdicts(review) if review.review_round else {}
    return [(v.criterion, v) for v in verdicts.values() if v.verdict in (Verdict.FAIL, Verdict.DEVIATION)]


def _review_plan(review):
    lines = []
    for criterion, verdict in _review_findings(review):
        lines.append(f"{criterion}: {verdict.get_verdict_display()} {verdict.comment or verdict.deviation}".strip())
    return "\n".join(lines)


register(Source(
    "closure.internalreview", SourceKind.INTERNAL_REVIEW,
    eligible=lambda review: bool(_review_findings(review)),
    contract=lambda review: review.project.contract,
    label=lambda review: f"{review.number} v{review.version} {review.title}",
    suggest=lambda review: {"plan": _review_plan(review)}))


def _category_measure(obj):
    category = (getattr(obj, "category", "") or "").strip()
    if category:
        return {"measure": MeasureKind.CATEGORY_TICKETS, "measure_category": category}
    return {}


def _numbered_label(obj):
    number, title = getattr(obj, "number", ""), getattr(obj, "title", "")
    return f"{number} {title}".strip() if number else str(obj)


# Built alongside (problems, security): registered by label; the buttons appear once the apps are installed.
register(Source("problems.problem", SourceKind.PROBLEM, eligible=lambda p: True, label=_numbered_label,
                suggest=_category_measure))
register(Source("security.securityincident", SourceKind.SECURITY_INCIDENT, eligible=lambda i: True,
                label=_numbered_label, suggest=_category_measure))


# ---- a not effective improvement leads to a follow-up ----------------------------------------------------

def _follow_up_suggest(improvement):
    return {"measure": improvement.measure, "measure_priority": improvement.measure_priority,
            "measure_category": improvement.measure_category, "target_value": improvement.target_value,
            "owner": improvement.owner}


register(Source(
    "improvement.improvement", SourceKind.FOLLOW_UP,
    eligible=lambda imp: imp.effective is False and imp.is_latest and not imp.is_open,
    contract=lambda imp: imp.contract,
    label=lambda imp: f"{imp.number} v{imp.version} {imp.title}",
    suggest=_follow_up_suggest))


# ---- the buttons -----------------------------------------------------------------------------------------

def _own_page_actions(obj, user):
    source = source_for(obj)
    if source is None or not source.eligible(obj) or not may_raise(obj, user):
        return
    yield Action(_t("Raise improvement"), raise_url(obj), "graph-up-arrow", "raise-improvement")


def _page_actions(page_obj, user):
    for source in SOURCES.values():
        if source.page_label != page_obj._meta.label_lower or source.sources_on_page is None:
            continue
        for obj in source.sources_on_page(page_obj):
            if source.eligible(obj) and may_raise(obj, user):
                what = metric_label(obj) if hasattr(obj, "metric_key") else obj
                yield Action(_t("Raise improvement: %(what)s") % {"what": what},
                             raise_url(obj), "graph-up-arrow", f"raise-improvement-{obj.pk}")


def register_sources():
    """The "Raise improvement" buttons, on each installed source's page (from ImprovementConfig.ready())."""
    for label, source in SOURCES.items():
        if not model_installed(label):
            continue
        if source.page_label:
            register_action(source.page_label, _page_actions)
        else:
            register_action(label, _own_page_actions)
