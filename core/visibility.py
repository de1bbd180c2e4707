"""Records a model shows only to some readers (its `restrict_rows`) stay hidden wherever core lists them.

A record type whose model declares `restrict_rows(queryset, user, action)` (an information security incident: only
the people it concerns) is narrowed by `restrict()` on its own pages and API. Core's own lists name records too: the
register (RecordIndex: register page and API, related records, search by number) and the audit trail (AuditEntry:
the entries about the record and its rows). Their `restrict_rows` call these functions so a reader sees there only
the records the record type's own rule lets them see. The audit trail is narrowed the same way for a plain model with
such a rule (a supplier evaluation's blind scores, a delegation): an entry about a row is shown to whoever may read
the row. Models without such a rule are not touched.
"""

from django.db.models import CharField, Q
from django.db.models.functions import Cast


def private_types():
    """(record type, model) of every implemented record type whose model narrows its readers."""
    from .registry import registry

    return [(t, t.model) for t in registry if t.implemented and hasattr(t.model, "restrict_rows")]


def private_models():
    """Every model that narrows its readers: the private record types' and plain models' alike."""
    from django.apps import apps

    from .models import AuditEntry, RecordIndex

    return [model for model in apps.get_models()
            if hasattr(model, "restrict_rows") and model not in (AuditEntry, RecordIndex)]


def visible_ids(model, user):
    """The ids of the model's rows the reader may see, or None when its rule hides none from them (it gave back the
    queryset it was given: an auditor reading incidents, anyone reading decisions)."""
    every = model._base_manager.all()
    readable = model.restrict_rows(every, user, "view")
    return None if readable is every else readable.values("pk")


def narrow_register(queryset, user):
    """Register entries: of private types, only the records the reader may see."""
    for record_type, model in private_types():
        visible = visible_ids(model, user)
        if visible is not None:
            queryset = queryset.exclude(Q(record_type=record_type.code) & ~Q(object_id__in=visible))
    return queryset


def _about(model):
    """Entries about rows of `model`, named by the content type's natural key (joined in the same query: no lookup
    of its id first, so the first reader of a process runs no more queries than the next)."""
    return Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name)


def _as_text(ids):
    return ids.annotate(object_key=Cast("pk", CharField())).values("object_key")


def narrow_audit(queryset, user):
    """Audit entries about a private record or row, or about one of a private record's rows, only for those who may
    see it."""
    from .rows import child_relations

    for model in private_models():
        visible = visible_ids(model, user)
        if visible is None:
            continue
        hidden = _about(model) & ~Q(object_id__in=_as_text(model._base_manager.filter(pk__in=visible)))
        for rel in child_relations(model):
            rows = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": visible})
            hidden |= _about(rel.related_model) & ~Q(object_id__in=_as_text(rows))
        queryset = queryset.exclude(hidden)
    return queryset
