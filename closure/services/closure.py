"""Closing a project (SP-4.5.2): the checklist with its dispositions, disposing of an item, closing.

The decisions the pages, the API, the workflow's condition and the tests share:

* `checklist(project)`: every item the registered sources give (closure.checklist), each with the disposition
  that settles it, if any (the latest for its key; dispositions are never deleted, a later one supersedes).
* `open_items(project)`: the rows neither done nor disposed of; the close transition is refused while any is.
* `dispose(...)`: the Service Department manager (or an administrator) waives an item or hands it over to a
  named owner, with the reason; recorded through core.records (audited). The procedure's own steps
  (`may_dispose=False`) are never waived.
* `close_project(closure, user)`: the close transition's effect: the checklist frozen into the record as it stood,
  and the project's status set to closed (the only place that sets it).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop, pgettext

from core import audit, display, records
from core.exports import Section, Table
from core.permissions import allowed
from core.workflow import refuse
from projects.choices import ProjectStatus

from ..checklist import Item, items
from ..choices import ClosureStatus, DispositionKind
from ..models import ClosureDisposition, ProjectClosure

# ---- project closure ----

OPEN_STATES = (ClosureStatus.DRAFT, ClosureStatus.IN_REVIEW, ClosureStatus.RETURNED)


@dataclass
class Row:
    """A checklist item and the disposition that settles it (None while it is not disposed of)."""

    item: Item
    disposition: ClosureDisposition | None = None

    @property
    def open(self):
        return not self.item.done and self.disposition is None

    @property
    def state(self):
        """How the item stands, as a person reads it."""
        return state_label(self.state_code)

    @property
    def state_code(self):
        return "done" if self.item.done else (self.disposition.kind if self.disposition else "open")


def dispositions_of(project):
    """{item key: the latest disposition} over every version of the project's closure."""
    latest = {}
    for disposition in ClosureDisposition.objects.filter(closure__project=project) \
            .select_related("owner", "decided_by").order_by("decided_at", "pk"):
        latest[disposition.item_key] = disposition
    return latest


def checklist(project) -> list[Row]:
    disposed = dispositions_of(project)
    return [Row(item, disposed.get(item.key) if item.may_dispose and not item.done else None)
            for item in items(project)]


def open_items(project) -> list[Row]:
    return [row for row in checklist(project) if row.open]


def closure_of(project):
    """The project's closure record (its latest version), or None."""
    return ProjectClosure.objects.filter(project=project, successor__isnull=True).order_by("-version").first()


def start_url(project):
    """Where the project's closure is opened: its record, or the form that starts it."""
    closure = closure_of(project)
    if closure is not None:
        return closure.get_absolute_url()
    return reverse("closure:projectclosure_add") + "?" + urlencode({"project": project.pk})


def open_items_text(rows):
    """The open items in one sentence: each label without its own full stop, joined by the language's semicolon."""
    # Translators: the separator between the open items of one sentence (a Chinese semicolon in Chinese)
    return pgettext("list separator", "; ").join(row.item.label.rstrip(".。") for row in rows)


# ---- dispositions ------------------------------------------------------------------------------------

def may_dispose(user, closure) -> bool:
    """The Service Department manager (or an administrator) decides, on a closure not yet closed."""
    return closure.status in OPEN_STATES and closure.is_latest and allowed(user, ClosureDisposition, "add") \
        and allowed(user, ClosureDisposition(closure=closure), "add")


def dispose(closure, item_key, kind, reason, user, owner=None):
    """Waive an open item, or hand it over to `owner`, with the reason; recorded and audited."""
    if closure.status not in OPEN_STATES or not closure.is_latest:
        raise refuse(_t("The closure %(number)s is %(status)s: its checklist is settled.")
                     % {"number": closure.number, "status": closure.get_status_display()})
    row = next((row for row in checklist(closure.project) if row.item.key == item_key), None)
    if row is None:
        raise refuse(_t("The checklist has no such item (it may have been settled meanwhile)."),
                     (_t("Open %(record)s") % {"record": closure.number}, closure.get_absolute_url()),
                     field="item_key")
    if row.item.done:
        raise refuse(_t("This item is done already."), field="item_key")
    if not row.item.may_dispose:
        raise refuse(_t("“%(item)s” is a step of the procedure itself: it cannot be waived or handed over.")
                     % {"item": row.item.label}, field="item_key")
    if kind not in DispositionKind.values:
        raise ValidationError({"kind": _t("Choose waived or handed over.")})
    disposition = ClosureDisposition(closure=closure, item_key=item_key, item_label=row.item.label[:400], kind=kind,
                                     owner=owner if kind == DispositionKind.HANDED_OVER else None,
                                     reason=(reason or "").strip(), decided_by=user, decided_at=timezone.now())
    return records.create(disposition, user)


# ---- closing --------------------------------------------------------------------------------------------

def frozen_rows(rows, translations=None):
    """The checklist as data kept in the record: what each item said and how it was settled. `translations`
    ({language: {key: (group, label)}}) keeps each item's words in every language, so each reader reads the
    frozen checklist in theirs."""
    result = []
    for row in rows:
        entry = {"key": row.item.key, "group": str(row.item.group), "label": str(row.item.label),
                 "url": row.item.url, "state": row.state_code}
        if translations:
            entry["words"] = {language: list(words[row.item.key]) for language, words in translations.items()
                              if row.item.key in words}
        disposition = row.disposition
        if disposition is not None:
            entry.update(reason=disposition.reason, owner=str(disposition.owner or ""),
                         decided_by=str(disposition.decided_by), decided_at=disposition.decided_at.isoformat())
        result.append(entry)
    return result


def words_in_every_language(project):
    """{language: {item key: (group, label)}}: the checklist's words as each language reads them."""
    words = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words[language] = {item.key: (str(item.group), str(item.label)) for item in items(project)}
    return words


def close_project(closure, user):
    """The effect of "Close project": the checklist frozen as it stood, the project's status closed (audited)."""
    project = closure.project
    with transaction.atomic():
        frozen = frozen_rows(checklist(project), words_in_every_language(project))
        ProjectClosure.objects.filter(pk=closure.pk).update(checklist_snapshot=frozen, closed_at=timezone.now())
        # The transition was authorised by the workflow engine (the closer's role, or a delegate's): the project's
        # status follows it here, written once and audited, whoever may edit the project's other fields.
        project = type(project).objects.select_for_update().get(pk=project.pk)
        if project.status != ProjectStatus.CLOSED:
            before = audit.snapshot(project)
            type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.CLOSED)
            project.refresh_from_db()
            audit.log_update(project, before, user=user,
                             comment=display.message(gettext_noop("Closed by %(record)s."), record=closure.number))


STATE_LABELS = {"done": lambda: pgettext("closure checklist item", "Done"),
                "open": lambda: pgettext("closure checklist item", "Open"),
                **{kind: (lambda kind=kind: str(DispositionKind(kind).label)) for kind in DispositionKind.values}}


def state_label(code):
    label = STATE_LABELS.get(code)
    return label() if label else code


def rows_for_reading(closure):
    """The checklist a page or export shows, in the active language: frozen when the project closed, else as it
    stands now."""
    if not closure.checklist_snapshot:
        return frozen_rows(checklist(closure.project)), False
    language = translation.get_language() or settings.LANGUAGE_CODE
    rows = []
    for entry in closure.checklist_snapshot:
        words = entry.get("words", {})
        group, label = words.get(language) or words.get(language.split("-")[0]) or (entry["group"], entry["label"])
        rows.append({**entry, "group": group, "label": label})
    return rows, True


def closure_sections(closure, language):
    """The closure record's document body: the project, the checklist (frozen when closed) with dispositions."""
    project = closure.project
    rows, frozen = rows_for_reading(closure)
    head = Section(_t("Project"), [
        _t("Project: %(project)s") % {"project": project},
        _t("Contract: %(contract)s") % {"contract": project.contract},
        _t("Customer: %(customer)s") % {"customer": project.customer},
        _t("Period: %(start)s – %(end)s") % {"start": display.value(project.start_date),
                                             "end": display.value(project.end_date)},
        _t("Project manager: %(pm)s") % {"pm": project.manager or display.EMPTY},
        _t("Closed at: %(at)s") % {"at": display.value(closure.closed_at)},
    ])
    if closure.notes:
        head.paragraphs.append(closure.notes)
    note = _t("The checklist as it stood when the project closed.") if frozen else \
        _t("The checklist as it stands now (the project is not closed).")
    table = Table([_t("Group"), _t("Item"), _t("State"), _t("Reason"), _t("New owner"), _t("Decided by")],
                  [[row["group"], row["label"], state_label(row["state"]), row.get("reason", ""), row.get("owner", ""),
                    _decided(row)] for row in rows], caption=_t("Closure checklist"))
    dispositions = [row for row in rows if row.get("reason")]
    summary = _t("%(total)s items: %(done)s done, %(waived)s waived, %(handed)s handed over, %(open)s open.") % {
        "total": len(rows), "done": sum(r["state"] == "done" for r in rows),
        "waived": sum(r["state"] == DispositionKind.WAIVED for r in rows),
        "handed": sum(r["state"] == DispositionKind.HANDED_OVER for r in rows),
        "open": sum(r["state"] == "open" for r in rows)}
    sections = [head, Section(_t("Closure checklist"), [note, summary], [table])]
    if dispositions:
        sections.append(Section(_t("Waivers and handovers"), [
            _t("%(state)s: %(item)s. Reason: %(reason)s.%(owner)s Decided by %(by)s.")
            % {"state": state_label(r["state"]), "item": r["label"], "reason": r["reason"],
               "owner": (" " + _t("New owner: %(owner)s.") % {"owner": r["owner"]}) if r.get("owner") else "",
               "by": _decided(r)} for r in dispositions]))
    return sections


def _decided(row):
    if not row.get("decided_by"):
        return ""
    from django.utils.dateparse import parse_datetime

    at = parse_datetime(row["decided_at"]) if row.get("decided_at") else None
    return f"{row['decided_by']} {display.value(at)}" if at else row["decided_by"]
