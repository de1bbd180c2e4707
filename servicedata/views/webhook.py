"""Pages: webhook endpoints per contract (list, detail with its events and imports, create, edit, delete, rotate
the secret) and the events received; the receiver itself (POST /servicedata/webhook/<token>/, no session: the
signature is the authority, the endpoint's `run_as` the actor)."""

import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _t
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core import context
from core.views import ObjectDetailView, PermissionMixin, PrefilledEditView, RecordViews

from .. import webhook
from ..filtersets import TicketEventFilterSet, WebhookEndpointFilterSet
from ..forms import WebhookEndpointForm
from ..models import ImportJob, TicketEvent, WebhookEndpoint
from ..tables import TicketEventTable, WebhookEndpointTable
from .tickets import ReadOnlyDetailView, ReadOnlyViews

__all__ = ["RotateSecretView", "TicketEventViews", "WebhookEndpointViews", "WebhookReceiverView"]

SECRET_TEMPLATE = "servicedata/webhookendpoint_secret.html"
RECENT = 20
EXAMPLE_BODY = ('[{"ticket": {"external_id": "INC-1", "priority": "P2", "status": "new", '
                '"created": "2026-03-02 09:00"}, "occurred_at": 1772413200}]')


def signing(request, endpoint):
    """What the pages tell about signing a request to this endpoint (servicedata.webhook's scheme)."""
    return {"receiver_url": request.build_absolute_uri(reverse("servicedata:webhook_receive", args=[endpoint.token])),
            "tolerance": webhook.TOLERANCE, "max_events": webhook.MAX_EVENTS,
            "signature_header": webhook.SIGNATURE_HEADER, "timestamp_header": webhook.TIMESTAMP_HEADER,
            "example_body": EXAMPLE_BODY}


def builtin_name(key):
    from ..intake import builtin

    return dict(builtin.choices()).get(key, key)


def secret_page(request, endpoint, secret, created):
    """The secret, shown this once (rendered into the answer to the POST: stored nowhere in clear)."""
    response = render(request, SECRET_TEMPLATE, {"object": endpoint, "secret": secret, "created": created,
                                                 **signing(request, endpoint)})
    response["Cache-Control"] = "no-store"  # no copy of the page in a browser's or a proxy's cache
    return response


class WebhookEndpointEditView(PrefilledEditView):
    """Create (…/add/?contract=3 starts with that contract): the token and secret are made by the service and the
    secret is shown once. Edit: as any row."""

    prefill = ("contract",)

    def form_valid(self, form):
        if self.object is not None:
            return super().form_valid(form)
        endpoint = form.save(commit=False)
        secret = webhook.create_endpoint(endpoint, self.request.user)
        return secret_page(self.request, endpoint, secret, created=True)


class WebhookEndpointDetailView(ObjectDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("contract", "profile", "run_as")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endpoint = self.object
        context.update(
            events=TicketEvent.objects.filter(endpoint=endpoint).select_related("job")
            .order_by("-received_at", "-pk")[:RECENT],
            event_count=TicketEvent.objects.filter(endpoint=endpoint).count(),
            imports=ImportJob.objects.filter(webhook=endpoint).order_by("-created")[:RECENT],
            builtin_name=builtin_name(endpoint.builtin_profile or webhook.DEFAULT_PROFILE),
            **signing(self.request, endpoint),
        )
        return context


class WebhookEndpointViews(RecordViews):
    model = WebhookEndpoint
    table = WebhookEndpointTable
    filterset = WebhookEndpointFilterSet
    form = WebhookEndpointForm
    select_related = ("contract", "profile", "run_as")
    edit_view = WebhookEndpointEditView
    detail_view = WebhookEndpointDetailView
    detail_fields = ("contract", "name", "external_system", "enabled", "run_as", "last_event_at", "created")


class RotateSecretView(PermissionMixin, View):
    """POST: a new shared secret, shown once; the old one stops signing at once."""

    model = WebhookEndpoint
    action = "change"

    def post(self, request, pk):
        endpoint = get_object_or_404(self.restricted("view"), pk=pk)
        if not self.restricted("change").filter(pk=pk).exists():
            raise PermissionDenied
        secret = webhook.rotate_secret(endpoint, request.user)
        return secret_page(request, endpoint, secret, created=False)


class TicketEventDetailView(ReadOnlyDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("endpoint", "endpoint__contract", "job")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payload"] = json.dumps(self.object.payload, ensure_ascii=False, indent=2)
        return context


class TicketEventViews(ReadOnlyViews):
    """The events as received (read-only: written by the receiver alone)."""

    model = TicketEvent
    table = TicketEventTable
    filterset = TicketEventFilterSet
    select_related = ("endpoint", "job")
    detail_view = TicketEventDetailView
    detail_fields = ("endpoint", "external_id", "occurred_at", "received_at", "sha256", "job")


@method_decorator(csrf_exempt, name="dispatch")
class WebhookReceiverView(View):
    """A service desk's POST of ticket events; answered in JSON (servicedata.webhook: the scheme and the decisions).

    No session and no CSRF token: the HMAC signature with the endpoint's shared secret is the authority; what the
    request writes is audited under the endpoint's `run_as`."""

    http_method_names = ["post"]

    def post(self, request, token):
        endpoint = WebhookEndpoint.objects.select_related("contract", "run_as", "profile").filter(token=token).first()
        if endpoint is None:
            return JsonResponse({"accepted": 0, "message": _t("No endpoint has this address."), "errors": []},
                                status=404)
        body = request.read(webhook.MAX_BODY + 1)  # one byte more than allowed tells a body too large
        actor = context.current()
        token_ctx = context.set_current(context.Actor(endpoint.run_as, actor.request_id, actor.ip))
        try:
            outcome = webhook.receive(endpoint, request.headers.get(webhook.TIMESTAMP_HEADER, ""),
                                      request.headers.get(webhook.SIGNATURE_HEADER, ""), body)
        except webhook.Refused as refused:
            return JsonResponse(refused.as_dict(), status=refused.status)
        finally:
            context.reset(token_ctx)
        return JsonResponse(outcome.as_dict(), status=outcome.status)
