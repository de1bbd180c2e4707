"""A record's place in the procedure: the records it comes from (upstream) and the records that follow from it
(downstream), found from the models' foreign keys, so every record page links both ways without naming apps.

* Upstream: the record's own foreign keys to other records (a contract's proposal, a plan's project).
* Downstream: records whose foreign key points at this one (a contract's SLA, reviews and projects; a
  project's initiation documents, plans, work plans and reports), latest versions only.
* Records are controlled records, and plain models that say so (`links_as_record = True`: the project, the
  quality meeting). Rows of a record (ChildRow) and the version chain (`predecessor`) are left out: the page
  shows them already.
* An app adds relations foreign keys do not express (the monthly reports an internal report covers) with
  `register(model_label, provider)`; `provider(obj)` returns ("up" | "down", queryset) pairs.

Everything is read through `restrict(user, "view")`, so the reader sees only what they may open; each relation
is one query, whatever the number of rows.
"""

from collections import defaultdict
from dataclasses import dataclass

from .models import ChildRow, ControlledRecord

LIMIT = 20
_providers = defaultdict(list)


def register(model_label, provider):
    if provider not in _providers[model_label.lower()]:
        _providers[model_label.lower()].append(provider)


def is_record(model):
    return (issubclass(model, ControlledRecord) or getattr(model, "links_as_record", False)) \
        and not issubclass(model, ChildRow)


@dataclass
class Related:
    kind: str  # the model's verbose name, e.g. "service level agreement"
    label: str  # number or code
    title: str
    state: str
    status: str  # the raw state, for the badge's colour
    url: str


def _related(obj):
    number = getattr(obj, "number", None) or getattr(obj, "code", None) or ""
    title = getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)
    display = getattr(obj, "get_status_display", None)
    version = getattr(obj, "version", None)
    if number and version:
        number = f"{number} v{version}"
    return Related(str(obj._meta.verbose_name), number or title, title if number else "",
                   str(display()) if display else "", getattr(obj, "status", ""), obj.get_absolute_url())


def _latest(queryset):
    if issubclass(queryset.model, ControlledRecord):
        return queryset.filter(successor__isnull=True)
    return queryset


def _upstream_querysets(obj):
    for field in obj._meta.concrete_fields:
        if not field.many_to_one or field.name == "predecessor" or not is_record(field.related_model):
            continue
        pk = getattr(obj, field.attname)
        if pk is not None and field.related_model is not type(obj):
            yield field.related_model.objects.filter(pk=pk)


def _downstream_querysets(obj):
    for rel in obj._meta.get_fields(include_hidden=True):
        if not (rel.one_to_many and rel.auto_created) or not is_record(rel.related_model):
            continue
        if rel.remote_field.name == "predecessor" or rel.related_model is type(obj):
            continue
        yield _latest(rel.related_model.objects.filter(**{rel.field.name: obj}))


def relations_for(obj, user):
    """{"up": [Related], "down": [Related]} for obj's page, only what `user` may view."""
    groups = {"up": list(_upstream_querysets(obj)), "down": list(_downstream_querysets(obj))}
    for provider in _providers.get(obj._meta.label_lower, ()):
        for direction, queryset in provider(obj):
            groups[direction].append(queryset)
    result = {}
    for direction, querysets in groups.items():
        rows, seen = [], set()
        for queryset in querysets:
            for row in queryset.restrict(user, "view").order_by("-pk")[:LIMIT]:
                if (type(row), row.pk) not in seen:
                    seen.add((type(row), row.pk))
                    rows.append(_related(row))
        result[direction] = rows
    return result
