"""POST actions on a record's page (a transition, a new version, an attachment) and its PDF/DOCX export."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _t
from django.views import View

from . import audit, records, workflow
from .choices import AuditAction
from .forms import AttachmentForm
from .models import Attachment
from .permissions import allowed
from .responses import error_html, error_messages, hx_redirect
from .uploads import check_upload


class RecordActionView(LoginRequiredMixin, View):
    """POST-only actions on a record: a transition, a new version, an attachment."""

    model = None
    views = None

    def get_object(self):
        return get_object_or_404(self.model.objects.restrict(self.request.user, "view"), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            target = self.act(obj, request) or obj
        except (ValidationError, PermissionDenied) as exc:
            text = error_html(exc) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text or _t("You may not do this."))
            if isinstance(exc, PermissionDenied):
                raise
            return hx_redirect(request, obj.get_absolute_url())
        return hx_redirect(request, target.get_absolute_url())


class TransitionView(RecordActionView):
    def act(self, obj, request):
        outcome = workflow.fire(obj, request.POST.get("transition", ""), request.user, request.POST.get("comment", ""))
        messages.success(request, outcome.message)


class NewVersionView(RecordActionView):
    def act(self, obj, request):
        draft = records.new_version(obj, request.user, comment=request.POST.get("comment", ""))
        messages.info(request, _t("Version %(v)s created as a draft; version %(old)s stays in force until it is "
                                  "approved.") % {"v": draft.version, "old": obj.version})
        return draft


class AttachView(RecordActionView):
    def act(self, obj, request):
        if not allowed(request.user, obj, "change"):
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(error_messages(ValidationError(form.errors)))
        upload = form.cleaned_data["file"]
        info = check_upload(upload)
        attachment = Attachment(record=obj, file=upload, name=upload.name[:200], size=info["size"],
                                sha256=info["sha256"], content_kind=info["kind"],
                                description=form.cleaned_data["description"], uploaded_by=request.user)
        with transaction.atomic():
            attachment.save()
            audit.record_entry(AuditAction.ATTACH, obj, comment=attachment.name, user=request.user,
                               changes={"attachment": [None, {"name": attachment.name, "sha256": info["sha256"],
                                                               "size": info["size"]}]})
        messages.success(request, _t("Attached %(name)s.") % {"name": attachment.name})


class ExportView(LoginRequiredMixin, View):
    """GET ?format=pdf|docx: the record as a document a person would print or send. A customer contact exports
    what is shared with them (restrict() applies their scope)."""

    customer_facing = True

    model = None
    views = None
    detail_fields = ()

    def get(self, request, pk):
        obj = get_object_or_404(self.model.objects.restrict(request.user, "view"), pk=pk)
        fmt = request.GET.get("format", "pdf")
        from .exporting import export_record

        try:
            content, content_type, filename = export_record(obj, fmt, request, body_fields=self.detail_fields)
        except KeyError:
            raise Http404 from None
        audit.record_entry(AuditAction.EXPORT, obj, comment=fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
