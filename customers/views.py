from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic.edit import FormView

from core.permissions import allowed
from core.views import ObjectDetailView, PrefilledEditView, RecordViews

from . import importer
from .choices import ImportKind
from .filtersets import ConfigurationItemFilterSet, ContactFilterSet, CustomerFilterSet, OperatingDataFilterSet
from .forms import ConfigurationItemForm, ContactForm, CustomerForm, ImportForm, OperatingDataForm
from .models import ConfigurationItem, Contact, Customer, OperatingData
from .tables import ConfigurationItemTable, ContactTable, CustomerTable, OperatingDataTable

IMPORT_MODELS = {ImportKind.ITEMS: ConfigurationItem, ImportKind.OPERATING: OperatingData}


class CustomerDetailView(ObjectDetailView):
    """The customer with its contacts, current IT environment and operating data (SP-4.1.1, SP-4.1.2)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer, user = self.object, self.request.user
        context.update(
            contacts=customer.contacts.all(),
            items=customer.configuration_items.all(),
            operating=customer.operating_data.all()[:24],
            can_edit_contacts=allowed(user, Contact, "change"),
            can_edit_items=allowed(user, ConfigurationItem, "change"),
            can_edit_operating=allowed(user, OperatingData, "change"),
        )
        return context


class CustomerRowEditView(PrefilledEditView):
    prefill = ("customer",)


class CustomerViews(RecordViews):
    model = Customer
    table = CustomerTable
    filterset = CustomerFilterSet
    form = CustomerForm
    detail_view = CustomerDetailView
    detail_fields = ("code", "name", "name_en", "industry", "address", "active", "notes")


class ContactViews(RecordViews):
    model = Contact
    table = ContactTable
    filterset = ContactFilterSet
    form = ContactForm
    select_related = ("customer",)
    edit_view = CustomerRowEditView
    detail_fields = ("customer", "name", "job_title", "department", "phone", "email", "primary", "notes")


class ConfigurationItemViews(RecordViews):
    model = ConfigurationItem
    table = ConfigurationItemTable
    filterset = ConfigurationItemFilterSet
    form = ConfigurationItemForm
    select_related = ("customer",)
    edit_view = CustomerRowEditView
    detail_fields = ("customer", "kind", "name", "model_version", "count", "location", "notes")


class OperatingDataViews(RecordViews):
    model = OperatingData
    table = OperatingDataTable
    filterset = OperatingDataFilterSet
    form = OperatingDataForm
    select_related = ("customer",)
    edit_view = CustomerRowEditView
    detail_fields = ("customer", "period", "ticket_volume", "incident_count", "major_incident_count",
                     "availability_percent", "downtime_minutes", "notes")


class CustomerImportView(LoginRequiredMixin, FormView):
    """Upload a customer's configuration items or operating data; a bad file is answered with its problems."""

    template_name = "customers/customer_import.html"
    form_class = ImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.customer = get_object_or_404(Customer.objects.restrict(request.user, "view"), pk=kwargs["pk"])
            if not any(allowed(request.user, model, "add") for model in IMPORT_MODELS.values()):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in ImportKind.values else {}

    def form_valid(self, form):
        kind = form.cleaned_data["kind"]
        model = IMPORT_MODELS[kind]
        if not (allowed(self.request.user, model, "add") and allowed(self.request.user, model, "change")):
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        result = importer.run(self.customer, kind, upload, upload.name, self.request.user)
        if not result.ok:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        messages.success(self.request, result.summary())
        return redirect(self.customer.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(customer=self.customer, kinds=ImportKind.choices, specs=importer.SPECS)
        return context


class ImportTemplateView(LoginRequiredMixin, View):
    """GET ?format=xlsx|csv: the empty import template for configuration items or operating data."""

    def get(self, request, kind):
        if kind not in ImportKind.values:
            raise Http404
        if not allowed(request.user, IMPORT_MODELS[kind], "view"):
            raise PermissionDenied
        fmt = request.GET.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            raise Http404(_t("Unknown format."))
        content, content_type, name = importer.template(kind, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
