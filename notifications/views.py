"""The inbox, its settings and the calendar feed."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic import TemplateView

from core.permissions import allowed

from .calendar import feed_for
from .choices import NotificationKind
from .forms import PreferenceForm
from .models import Notification, NotificationPreference, new_calendar_token
from .services import preference_for

PAGE_SIZE = 30
KIND_ICONS = {NotificationKind.APPROVAL: "check2-square text-primary", NotificationKind.ASSIGNED: "person-check",
              NotificationKind.DUE: "calendar-event text-warning", NotificationKind.OVERDUE:
              "exclamation-triangle text-danger", NotificationKind.ESCALATION: "arrow-up-circle text-danger",
              NotificationKind.URGENT: "exclamation-octagon-fill text-danger"}


def own(request, action="view"):
    return Notification.objects.restrict(request.user, action)


class InboxView(LoginRequiredMixin, TemplateView):
    customer_facing = True  # a customer contact's page too (core.middleware.OutsidePagesMiddleware)
    template_name = "notifications/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preference = preference_for(self.request.user)
        unread_only = self.request.GET.get("show") == "unread"
        rows = own(self.request).select_related("owner")
        page = Paginator(rows.pending() if unread_only else rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for notification in page:
            notification.icon = KIND_ICONS.get(notification.kind, "bell")
        context.update(page=page, unread_only=unread_only, unread=own(self.request).pending().count(),
                       can_change=allowed(self.request.user, Notification, "change"),
                       form=kwargs.get("form") or PreferenceForm(instance=preference),
                       calendar_url=self.request.build_absolute_uri(
                           reverse("notifications:calendar", args=[preference.calendar_token])))
        return context

    def post(self, request):
        """The notification settings (e-mail: at once, daily digest or none; the language of e-mails)."""
        if not allowed(request.user, NotificationPreference, "change"):
            raise PermissionDenied
        form = PreferenceForm(request.POST, instance=preference_for(request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        form.save()
        messages.success(request, _t("Your notification settings are saved."))
        return redirect("notifications:notification_list")


class NotificationOpenView(LoginRequiredMixin, View):
    """Open what a notification is about, marking it read on the way."""

    customer_facing = True  # a customer contact's page too (core.middleware.OutsidePagesMiddleware)

    def get(self, request, pk):
        notification = get_object_or_404(own(request, "change"), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        target = notification.url if url_has_allowed_host_and_scheme(notification.url, None) else "/"
        return HttpResponseRedirect(target)


class MarkReadView(LoginRequiredMixin, View):
    customer_facing = True  # a customer contact's page too (core.middleware.OutsidePagesMiddleware)

    def post(self, request, pk):
        notification = get_object_or_404(own(request, "change"), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return redirect(_back(request))


class MarkAllReadView(LoginRequiredMixin, View):
    customer_facing = True  # a customer contact's page too (core.middleware.OutsidePagesMiddleware)

    def post(self, request):
        count = own(request, "change").unread().update(read_at=timezone.now())
        messages.success(request, _t("%(count)s notifications marked as read.") % {"count": count})
        return redirect(_back(request))


class RegenerateCalendarView(LoginRequiredMixin, View):
    """A new secret for the calendar feed: calendars subscribed to the old address stop receiving it."""

    def post(self, request):
        if not allowed(request.user, NotificationPreference, "change"):
            raise PermissionDenied
        NotificationPreference.objects.filter(pk=preference_for(request.user).pk) \
            .update(calendar_token=new_calendar_token())
        messages.success(request, _t("Your calendar has a new address; the old one no longer works."))
        return redirect("notifications:notification_list")


class CalendarFeedView(View):
    """The ICS feed, reached by its secret token alone (calendar apps send no session); a wrong token is 404."""

    def get(self, request, token):
        preference = NotificationPreference.objects.select_related("user").filter(calendar_token=token).first()
        if preference is None or not preference.user.is_active:
            raise Http404
        response = HttpResponse(feed_for(preference.user), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="servplan.ics"'
        response["Cache-Control"] = "private, max-age=900"
        return response


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("notifications:notification_list")
