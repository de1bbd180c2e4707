"""Pages: import profiles (list with "new from a built-in", detail with their rows, edit) and the import of a file
with a profile: the upload is previewed (servicedata.intake.preview) before anything is written, then confirmed."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views import View

from contracts.models import Contract
from core.permissions import allowed
from core.responses import error_messages
from core.views import ObjectDetailView, ObjectListView, PermissionMixin, RecordViews

from ..filtersets import ImportProfileFilterSet
from ..forms import ImportProfileForm, PreviewChoiceForm
from ..intake import preview as previews
from ..intake import profiles
from ..models import ImportJob, ImportProfile
from ..tables import ImportProfileTable
from .tickets import ContractMixin

__all__ = ["ImportPreviewView", "ImportProfileViews", "ProfileFromBuiltinView"]

SESSION_KEY = "servicedata_import_previews"


class ProfileListView(ObjectListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_add"]:
            contracts = Contract.objects.restrict(self.request.user, "view").select_related("customer") \
                .order_by("number", "-version")
            latest = {}
            for contract in contracts:
                latest.setdefault(contract.number, contract)
            context.update(builtins=profiles.builtin_choices(), contracts=list(latest.values()),
                           chosen_contract=self.request.GET.get("for_contract", ""))
        return context


class ProfileDetailView(ObjectDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("contract", "customer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = self.object
        context.update(columns=profile.columns.all(), values=profile.values.all(), rules=profile.rules.all())
        return context


class ImportProfileViews(RecordViews):
    model = ImportProfile
    table = ImportProfileTable
    filterset = ImportProfileFilterSet
    form = ImportProfileForm
    list_view = ProfileListView
    detail_view = ProfileDetailView
    select_related = ("contract", "owner_department", "author")
    detail_fields = ("contract", "tool", "based_on", "format", "encoding", "records_path", "external_system",
                     "time_zone", "date_formats", "first_response_statuses", "pause_statuses", "owner_department",
                     "confidentiality", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("importprofile/from-builtin/", ProfileFromBuiltinView.as_view(),
                     name="importprofile_from_builtin")]


class ProfileFromBuiltinView(PermissionMixin, View):
    """POST a built-in's key (and the contract, or none for a shared profile): a draft profile prefilled with its
    rows, opened for editing."""

    action = "add"
    model = ImportProfile

    def post(self, request):
        from ..intake import builtin

        try:
            spec = builtin.get(request.POST.get("builtin", ""))
        except KeyError:
            messages.error(request, _t("Choose a built-in profile."))
            return redirect("servicedata:importprofile_list")
        contract = None
        if request.POST.get("contract"):
            contract = get_object_or_404(Contract.objects.restrict(request.user, "view"), pk=request.POST["contract"])
        if not allowed(request.user, ImportProfile(contract=contract), "add"):
            raise PermissionDenied
        try:
            profile = profiles.profile_from_spec(spec, contract, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return redirect("servicedata:importprofile_list")
        messages.success(request, _t("Draft %(profile)s created from %(name)s: check it, then submit it for "
                                     "approval.") % {"profile": profile.number, "name": spec.name})
        return redirect("servicedata:importprofile_edit", profile.pk)


# ---- the import with a profile: upload, preview, confirm ---------------------------------------------------

def stash_upload(request, contract, data) -> str:
    """Keep the upload for the preview: the file in the media storage, what it is in the session (a token)."""
    upload = data["file"]
    from core.uploads import check_upload

    info = check_upload(upload)
    token = uuid.uuid4().hex
    pending = request.session.get(SESSION_KEY, {})
    for old in list(pending)[:-4]:  # a few previews at a time; older ones are dropped with their files
        previews.discard(pending.pop(old).get("path", ""))
    pending[token] = {"contract": contract.pk, "path": previews.stash(upload), "name": upload.name[:200],
                      "sha256": info["sha256"], "format": data["format"],
                      "external_system": data.get("external_system") or "",
                      "time_zone": data.get("time_zone") or "", "profile": data.get("profile") or ""}
    request.session[SESSION_KEY] = pending
    return token


class ImportPreviewView(ContractMixin, View):
    """GET: the kept upload read with the chosen profile (first rows, errors, what the rules would do); another
    profile may be chosen. POST: confirm, the file becomes an import job read with that profile."""

    action = "add"
    model = ImportJob
    template_name = "servicedata/import_preview.html"
    limit = 20

    def pending(self, request, token):
        item = request.session.get(SESSION_KEY, {}).get(token)
        if item is None or item["contract"] != self.get_contract().pk:
            raise Http404
        return item

    def get(self, request, pk, token):
        contract, item = self.get_contract(), self.pending(request, token)
        choices = profiles.choices(contract, request.user)
        choice = request.GET.get("profile", item["profile"])
        form = PreviewChoiceForm(initial={"profile": choice}, choices=choices)
        error, key = "", ""
        try:
            _profile, key, spec = profiles.resolve_choice(choice, contract, request.user)
        except ValidationError as exc:
            spec, error = None, " ".join(error_messages(exc))
        try:
            stored = previews.open_stashed(item["path"], item["name"])
        except (FileNotFoundError, OSError):
            raise Http404 from None
        with stored:
            result = previews.preview(contract, stored, item["format"], spec, self.limit,
                                      time_zone=item["time_zone"], external_system=item["external_system"])
        proposed = ""
        if result.recognised is not None and not choice and result.recognised.key != "servplan":
            proposed = f"builtin:{result.recognised.key}"
        return render(request, self.template_name, {
            "contract": contract, "item": item, "token": token, "form": form, "choice": choice, "spec": spec,
            "preview": result, "proposed": proposed, "choice_error": error, "limit": self.limit,
            "builtin_key": key, "can_add_profile": allowed(request.user, ImportProfile, "add")})

    def post(self, request, pk, token):
        contract, item = self.get_contract(), self.pending(request, token)
        back = reverse("servicedata:contract_import_preview", args=[contract.pk, token])
        choice = request.POST.get("profile", "")
        try:
            profile, key, _spec = profiles.resolve_choice(choice, contract, request.user)
            with previews.open_stashed(item["path"], item["name"]) as stored:
                job = profiles.queue_file(contract, request.user, stored, fmt=item["format"],
                                          external_system=item["external_system"], time_zone=item["time_zone"],
                                          profile=profile, builtin_key=key)
        except ValidationError as exc:
            messages.error(request, " ".join(error_messages(exc)))
            return redirect(f"{back}?profile={choice}")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        pending = request.session.get(SESSION_KEY, {})
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        previews.discard(item["path"])
        messages.info(request, _t("Import of %(name)s started.") % {"name": job.name})
        return redirect(reverse("servicedata:contract_tickets", args=[contract.pk]) + f"?job={job.pk}")


def preview_redirect(request, url):
    """To the preview page: htmx (the import form posts with it) is told to load the whole page."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
