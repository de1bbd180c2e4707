"""Generic views every app reuses with a few declarative lines (see `RecordViews`)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.views.generic import DetailView
from django.views.generic.edit import FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import audit, display, records, workflow
from .choices import AuditAction
from .extensions import detail_panels, forward_actions
from .forms import AttachmentForm
from .history import describe_history, describe_transitions
from .models import Attachment, ControlledRecord, TransitionLog
from .permissions import allowed
from .record_actions import AttachView, ExportView, NewVersionView, TransitionView
from .relations import is_record, relations_for
from .responses import error_messages, hx_redirect


class ModelTemplateMixin:
    """Templates at <app>/<model><suffix>.html, falling back to the generic core one."""

    template_suffix = ""
    generic_template = ""

    def get_template_names(self):
        meta = self.model._meta
        names = [f"{meta.app_label}/{meta.model_name}{self.template_suffix}.html", self.generic_template]
        if getattr(self.request, "htmx", False) and self.template_suffix == "_list":
            names = ["core/partials/object_table.html"]
        return names


class PermissionMixin(LoginRequiredMixin):
    action = "view"
    model = None
    views = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not allowed(request.user, self.model, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def restricted(self, action=None):
        return self.model.objects.restrict(self.request.user, action or self.action)


MAX_PER_PAGE = 500
MAX_PAGE = 10**9  # beyond the last page a table shows the last page


def bounded_int(raw, low, high):
    """A whole number from a query parameter clamped to [low, high], or None when it is not one."""
    try:
        return min(max(int(raw), low), high)
    except (TypeError, ValueError):
        return None


class BoundedTableMixin(SingleTableMixin):
    """A django-tables2 list whose page and page size are clamped before the table reads them from the query.

    per_page=10**12 shows at most MAX_PER_PAGE rows, page=-1 or abc the first page, page=10**30 the last one:
    never a server error, never every row at once.
    """

    paginate_by = 25

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        query = request.GET.copy()
        for name, high in (("per_page", MAX_PER_PAGE), ("page", MAX_PAGE)):
            if name in query:
                value = bounded_int(query[name], 1, high)
                if value is None:
                    del query[name]
                else:
                    query[name] = str(value)
        request.GET = query

    def get_paginate_by(self, queryset):
        return None  # the table pages; the list view itself must not page (and 404) a second time

    def get_table_pagination(self, table):
        """Numbered pages first, a cursor past them, counts estimated on large tables (core.pagination)."""
        from .pagination import KeysetPaginator

        cursor_field = f"{table.prefix}cursor"
        return {"per_page": self.paginate_by, "paginator_class": KeysetPaginator, "request": self.request,
                "cursor": self.request.GET.get(cursor_field), "cursor_field": cursor_field,
                "page_field": table.prefixed_page_field}


class ObjectListView(PermissionMixin, ModelTemplateMixin, BoundedTableMixin, FilterView):
    template_suffix = "_list"
    generic_template = "core/object_list.html"
    select_related = ()
    prefetch_related = ()
    export_formats = ("csv", "xlsx")

    def get_queryset(self):
        return self.restricted().select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in self.export_formats:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export_plan(self):
        """How the filtered list is read for a file (core.list_export.ExportPlan), decided once."""
        from .list_export import ExportPlan

        filterset = self.filterset_class(self.request.GET, queryset=self.get_queryset(), request=self.request)
        return ExportPlan(self.table_class(filterset.qs))

    def export(self, fmt):
        """The list as a file, streamed; above SERVPLAN_EXPORT_SYNC_ROWS rows a background job (core.jobs) makes it
        and the user is taken to the job's page, where its download link appears."""
        from django.conf import settings
        from django.http import FileResponse, StreamingHttpResponse
        from django.utils import timezone, translation

        from . import jobs
        from .list_export import XLSX, XLSX_MAX_ROWS, csv_chunks, xlsx_file

        plan = self.export_plan()
        limit = settings.SERVPLAN_EXPORT_SYNC_ROWS
        count = plan.count(limit + 1)
        if count > limit:
            if fmt == "xlsx" and plan.count(XLSX_MAX_ROWS + 1) > XLSX_MAX_ROWS:
                messages.error(self.request, _t("More than %(n)s rows do not fit in one spreadsheet: narrow the "
                                                "filter or export CSV.") % {"n": f"{XLSX_MAX_ROWS:,}"})
                return redirect(self.request.path + "?" + _without_export(self.request.GET))
            job = jobs.start_export(self.request.user, self, fmt)
            messages.info(self.request, format_html(
                _t("More than {} rows: the export runs in the background. <a href=\"{}\">Follow it and download "
                   "the file</a> from My background jobs."), f"{limit:,}", job.get_absolute_url()))
            return redirect(job.get_absolute_url())
        name = str(self.model._meta.verbose_name_plural)
        audit.record_entry(AuditAction.EXPORT, None, obj_repr=f"{name} ({fmt}, {count})",
                           changes={"filter": dict(self.request.GET.lists())})
        filename = f"{self.model._meta.model_name}.{fmt}"
        if fmt == "csv":
            language, zone = translation.get_language(), timezone.get_current_timezone()

            def pieces():  # iterated after the view returned: in the reader's language and zone all the same
                with translation.override(language), timezone.override(zone):
                    yield from csv_chunks(plan.headers, plan.rows())

            response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        spool, _count = xlsx_file(plan.headers, plan.rows(), name)
        return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_meta"] = self.model._meta
        context["can_add"] = allowed(self.request.user, self.model, "add")
        context["add_url"] = self.views.url_for("add") if self.views else None
        return context


def _without_export(query):
    query = query.copy()
    query.pop("export", None)
    return query.urlencode()


class ObjectDetailView(PermissionMixin, ModelTemplateMixin, DetailView):
    generic_template = "core/object_detail.html"
    detail_fields = ()

    def get_queryset(self):
        return self.restricted()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        context.update(
            model_meta=self.model._meta,
            fields=[(obj._meta.get_field(name).verbose_name, _display(obj, name), _is_identifier(obj, name))
                    for name in self.detail_fields],
            history=describe_history(obj, audit.history_for(obj)),
            can_change=allowed(user, obj, "change"),
            can_delete=allowed(user, obj, "delete"),
            views=self.views,
            detail_panels=detail_panels(obj, user),
            relations=relations_for(obj, user),
            next_actions=forward_actions(obj, user),
        )
        if isinstance(obj, ControlledRecord):
            ct_filter = {"content_type__model": self.model._meta.model_name,
                         "content_type__app_label": self.model._meta.app_label, "object_id": obj.pk}
            wf = type(obj).record_type().workflow
            transitions = workflow.available(obj, user)
            context.update(
                is_record=True,
                transitions=transitions,
                comment_required_for=[str(t.label) for t, _reasons in transitions if t.comment_required],
                transition_log=describe_transitions(obj, TransitionLog.objects.filter(**ct_filter)
                                                    .select_related("user", "on_behalf_of")),
                attachments=Attachment.objects.filter(**ct_filter).select_related("uploaded_by"),
                versions=obj.versions().select_related("author"),
                editable=obj.status in wf.editable_states,
                versionable=obj.status in wf.frozen_states and obj.is_latest,
                attachment_form=AttachmentForm(),
            )
        return context


def _display(obj, name):
    value = getattr(obj, name, None)
    if is_record(type(value)):  # a related record (the contract's proposal, the project's contract) is a link
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)
    return display.field_value(obj, name)


def _is_identifier(obj, name):
    """A code or login name: shown as stored, not a word to translate (marked translate="no" on the page)."""
    field = obj._meta.get_field(name)
    return isinstance(field, models.SlugField) or name in ("username", "code", "number", "external_id",
                                                           "external_system")


class ObjectEditView(PermissionMixin, ModelTemplateMixin, FormView):
    template_suffix = "_edit"
    generic_template = "core/object_edit.html"
    form_class = None

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if "pk" in kwargs:
            self.action = "change"
            if request.user.is_authenticated:
                self.object = get_object_or_404(self.restricted("view"), pk=kwargs["pk"])
                if not self.restricted("change").filter(pk=self.object.pk).exists():
                    raise PermissionDenied  # seen but not to be changed by this user: the matrix, rows or scope
        else:
            self.action = "add"
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        if isinstance(self.object, ControlledRecord):
            kwargs.setdefault("initial", {})["lock_version"] = self.object.lock_version
        kwargs["user"] = self.request.user
        return kwargs

    def get_form_class(self):
        return self.form_class

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.reload_url = self.request.path  # read when the choices are narrowed (first shown or validated)
        return form

    def get_initial(self):
        """A parent chosen on the page (?customer=3, sent by htmx when it changes) narrows its dependent field."""
        initial = super().get_initial()
        parents = {parent for parent, _lookup in getattr(self.form_class, "dependent_choices", {}).values()}
        initial.update({name: self.request.GET[name] for name in parents if self.request.GET.get(name, "").isdigit()})
        return initial

    def get(self, request, *args, **kwargs):
        if isinstance(self.object, ControlledRecord) and self.object.status not in \
                type(self.object).record_type().workflow.editable_states:
            messages.warning(request, _t("This record is %(status)s and cannot be edited here.")
                             % {"status": self.object.get_status_display()})
            return redirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        instance = form.save(commit=False)
        links = [f.name for f in instance._meta.many_to_many if f.name in form.fields]
        try:
            with transaction.atomic():
                if self.object is None:
                    records.create(instance, self.request.user, comment=form.cleaned_data.get("change_note", ""))
                    links_before = {name: [] for name in links}
                else:
                    before = audit.snapshot(type(instance).objects.get(pk=instance.pk))
                    links_before = audit.m2m_snapshot(instance, links)
                    records.update(instance, self.request.user, before,
                                   expected_lock=form.cleaned_data.get("lock_version"))
                form.save_m2m()
                records.log_links(instance, self.request.user, links_before)
                if hasattr(form, "save_related"):  # child rows, written in the same transaction
                    form.save_related(self.request.user)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Saved %(obj)s.") % {"obj": instance})
        return hx_redirect(self.request, self.success_url_for(instance))

    def success_url_for(self, instance):
        return instance.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, model_meta=self.model._meta, views=self.views)
        return context


class PrefilledEditView(ObjectEditView):
    """An add page opened from a parent (…/add/?service=3) starts with that parent chosen."""

    prefill = ()

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None:
            initial.update({name: self.request.GET[name] for name in self.prefill if name in self.request.GET})
        return initial


class ObjectDeleteView(PermissionMixin, ModelTemplateMixin, DetailView):
    action = "delete"
    generic_template = "core/object_delete.html"
    template_suffix = "_delete"
    # The service that deletes (the API viewsets' `delete_service` too): one that does more than the write service
    # (a draft contract goes with its draft SLA) is named once on the model's delete view.
    delete_service = staticmethod(records.delete)

    def get_queryset(self):
        return self.restricted("view")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.restricted("delete").filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.delete_service(obj, request.user, comment=request.POST.get("comment", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return redirect(obj.get_absolute_url())
        messages.success(request, _t("Deleted %(obj)s.") % {"obj": obj})
        return hx_redirect(request, self.views.url_for("list"))


class RecordViews:
    """Declare a model's pages in a few lines; `urls()` returns its URL patterns.

        class CustomerViews(RecordViews):
            model = Customer
            table = CustomerTable
            filterset = CustomerFilterSet
            form = CustomerForm
            detail_fields = ("code", "name")
    """

    model = None
    table = None
    filterset = None
    form = None
    detail_fields = ()
    select_related = ()
    prefetch_related = ()
    list_view = ObjectListView
    detail_view = ObjectDetailView
    edit_view = ObjectEditView
    delete_view = ObjectDeleteView

    @classmethod
    def name(cls, action):
        return f"{cls.model._meta.model_name}_{action}"

    @classmethod
    def url_for(cls, action, *args):
        return reverse(f"{cls.model._meta.app_label}:{cls.name(action)}", args=args)

    @classmethod
    def urls(cls):
        base = {"model": cls.model, "views": cls}
        route = cls.model._meta.model_name
        patterns = [
            path(f"{route}/", cls.list_view.as_view(
                table_class=cls.table, filterset_class=cls.filterset, select_related=cls.select_related,
                prefetch_related=cls.prefetch_related, **base), name=cls.name("list")),
            path(f"{route}/add/", cls.edit_view.as_view(form_class=cls.form, **base), name=cls.name("add")),
            path(f"{route}/<int:pk>/", cls.detail_view.as_view(detail_fields=cls.detail_fields, **base),
                 name=cls.name("detail")),
            path(f"{route}/<int:pk>/edit/", cls.edit_view.as_view(form_class=cls.form, **base), name=cls.name("edit")),
            path(f"{route}/<int:pk>/delete/", cls.delete_view.as_view(**base), name=cls.name("delete")),
        ]
        if issubclass(cls.model, ControlledRecord):
            patterns += [
                path(f"{route}/<int:pk>/transition/", TransitionView.as_view(**base), name=cls.name("transition")),
                path(f"{route}/<int:pk>/new-version/", NewVersionView.as_view(**base), name=cls.name("new_version")),
                path(f"{route}/<int:pk>/attach/", AttachView.as_view(**base), name=cls.name("attach")),
                path(f"{route}/<int:pk>/export/", ExportView.as_view(detail_fields=cls.detail_fields, **base),
                     name=cls.name("export")),
            ]
        return patterns


