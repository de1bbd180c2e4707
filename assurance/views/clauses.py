"""The clause map pages: every clause with its evidence for a chosen period and contracts/projects (thin evidence
marked), its download as CSV or XLSX (audited), and one clause's evidence: the register entries in scope."""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _t
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from core import audit
from core.choices import AuditAction
from core.list_export import csv_text, xlsx_bytes
from core.list_export.cells import XLSX
from core.models import RecordIndex
from core.tables import RecordIndexTable
from core.views import PermissionMixin

from .. import clausemap
from ..choices import FindingStatus
from ..clausemap.evidence import evidence
from ..forms import ClauseScopeForm
from ..models import Finding
from ..scope import register_entries


def findings_url(query, rule_id=None):
    """The findings list (part of the checks' pages) filtered to open findings of the scope, and of a rule."""
    try:
        base = reverse("assurance:finding_list")
    except NoReverseMatch:
        return ""
    params = [("status", FindingStatus.OPEN)] + ([("rule", rule_id)] if rule_id else [])
    params += [(name, value) for name in ("contract", "project") for value in query.getlist(name)]
    return f"{base}?{urlencode(params)}"


class ScopeMixin(PermissionMixin):
    """Reads the scope form from the query; its data, the map and the rows are shared by the page and export."""

    model = Finding  # whoever reads the findings reads the clause map

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.query = request.GET.copy()
        self.query.pop("export", None)

    def get_form(self):
        if not hasattr(self, "_form"):
            self._form = ClauseScopeForm(self.query, user=self.request.user)
        return self._form

    def get_scope(self):
        form = self.get_form()
        return form.scope() if form.is_valid() else None

    def get_map(self):
        try:
            return clausemap.load(), []
        except clausemap.ClauseMapError as exc:
            return None, exc.errors


class ClauseMapView(ScopeMixin, TemplateView):
    template_name = "assurance/clause_map.html"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":
            return ["assurance/partials/clause_table.html"]
        return [self.template_name]

    def rows(self):
        clause_map, errors = self.get_map()
        scope = self.get_scope()
        if clause_map is None or scope is None:
            return clause_map, errors, []
        return clause_map, errors, evidence(clause_map, scope, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clause_map, errors, rows = self.rows()
        query = self.query.urlencode()
        chapters = []
        for row in rows:
            if not chapters or chapters[-1][0] != row.clause.chapter:
                chapters.append((row.clause.chapter, clause_map.heading(row.clause.chapter), []))
            chapters[-1][2].append((row, [clausemap.step_label(sp) for sp in row.clause.sp],
                                    [(r, findings_url(self.query, r.id)) for r in row.rules],
                                    editions(row.clause)))
        context.update(filter=SimpleNamespace(form=self.get_form()), clause_map=clause_map,
                       map_errors=[str(e) for e in errors], chapters=chapters, query=query,
                       thin_count=sum(row.thin for row in rows), findings_url=findings_url(self.query))
        return context

    def export(self, fmt):
        clause_map, errors, rows = self.rows()
        if clause_map is None:
            raise Http404(_t("The clause map has errors: %(errors)s") % {"errors": "; ".join(map(str, errors))})
        headers, data = export_table(rows)
        audit.record_entry(AuditAction.EXPORT, None, obj_repr=_t("Clause map with evidence (%(fmt)s, %(n)s rows)")
                           % {"fmt": fmt, "n": len(data)},
                           changes={"filter": dict(self.query.lists()), "map": clause_map.version})
        name = f"clause-map.{fmt}"
        if fmt == "csv":
            response = HttpResponse(csv_text(headers, data), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(xlsx_bytes(headers, data, _t("Clause map")), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def editions(clause):
    """[(edition, clause there, its title there, the title's language)] of a clause."""
    return [(label, number, clause.edition_titles.get(label, ""), "zh-Hans" if label.startswith("GB/T") else "en")
            for label, number in clause.editions.items()]


def export_table(rows):
    """(headers, rows) of the clause map with its evidence, as a person reads it."""
    headers = [_t("Clause"), _t("Title"), "ISO/IEC 20000-1:2005", "GB/T 24405.1-2009", _t("Procedure steps"),
               _t("Record types (issued / open)"), _t("Issued records"), _t("Records in progress"),
               _t("Checks (open findings)"), _t("Open findings"), _t("Thin evidence"), _t("Why")]
    data = []
    for row in rows:
        clause = row.clause
        data.append([
            clause.id, str(clause.title), clause.editions.get("ISO/IEC 20000-1:2005", ""),
            clause.editions.get("GB/T 24405.1-2009", ""),
            "; ".join(clausemap.step_label(sp) for sp in clause.sp),
            "; ".join(f"{t.label} ({t.issued} / {t.open})" for t in row.types),
            row.issued, row.open,
            "; ".join(f"{r.id} {r.title} ({r.open_findings})" for r in row.rules),
            row.open_findings, row.thin, "; ".join(str(reason) for reason in row.reason_labels),
        ])
    return headers, data


class ClauseEvidenceView(ScopeMixin, TemplateView):
    """One clause: its editions, procedure steps, checks, and the register entries of its record types in scope."""

    template_name = "assurance/clause_evidence.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":
            return ["assurance/partials/clause_evidence_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clause_map, _errors = self.get_map()
        clause = clause_map.get(self.kwargs["clause"]) if clause_map else None
        if clause is None:
            raise Http404(_t("No such clause in the clause map."))
        scope = self.get_scope()
        entries = RecordIndex.objects.none()
        row = None
        if scope is not None:
            visible = RecordIndex.objects.restrict(self.request.user, "view")
            entries = visible.filter(pk__in=register_entries(scope).filter(record_type__in=clause.record_types)
                                     .values("pk")).select_related("department", "author", "customer")\
                .order_by("record_type", "number", "version", "pk")
            row = evidence(type(clause_map)((clause,), clause_map.sources, clause_map.headings), scope,
                           self.request.user)[0]
        table = RecordIndexTable(entries)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        context.update(clause=clause, row=row, filter=SimpleNamespace(form=self.get_form()), table=table,
                       model_meta=RecordIndex._meta, steps=[clausemap.step_label(sp) for sp in clause.sp],
                       editions=editions(clause), query=self.query.urlencode(),
                       rules=[(r, findings_url(self.query, r.id)) for r in (row.rules if row else ())],
                       map_url=f"{reverse('assurance:clause_map')}?{self.query.urlencode()}")
        return context


urlpatterns = [
    path("clauses/", ClauseMapView.as_view(), name="clause_map"),
    path("clauses/<str:clause>/", ClauseEvidenceView.as_view(), name="clause_evidence"),
]
