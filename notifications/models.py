"""The inbox (one row per person, worklist item and kind) and each person's notification preferences."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.querysets import RestrictedQuerySet

from .choices import EmailMode, NotificationKind


def new_calendar_token():
    return secrets.token_urlsafe(32)


class NotificationQuerySet(RestrictedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def pending(self):
        """Unread and still to do: what the bell counts and a digest lists."""
        return self.filter(read_at__isnull=True, resolved_at__isnull=True)


class Notification(models.Model):
    """One thing a person was told. `key` is the worklist item's key, so the unique (recipient, key, kind) makes
    every reminder happen once however often, and by however many schedulers, the job runs. The title is kept
    in every language of the site, written when the item was found, so the inbox and the e-mail read in the
    reader's language."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(_("item"), max_length=255)
    titles = models.JSONField(_("title"), default=dict)
    url = models.CharField(_("link"), max_length=500)
    due = models.DateField(_("due"), null=True, blank=True)
    # An escalation names whose item is overdue (the department head is told about someone else's work).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("owner"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # The item left the work queue (approved by someone, written, closed): the bell stops counting it.
    resolved_at = models.DateTimeField(_("done"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key", "kind"], name="notifications_once_per_item_kind"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notifications_unread")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notifications:notification_open", args=[self.pk])

    @property
    def title(self):
        """The title in the active language (the one it was written in when that language is missing)."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        return (self.titles.get(language) or self.titles.get(settings.LANGUAGE_CODE)
                or next(iter(self.titles.values()), ""))

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Everyone sees and marks only their own notifications, whatever their role."""
        return queryset.filter(recipient=user)


class NotificationPreference(models.Model):
    """How a person wants to be told, and the secret of their calendar feed. Kept apart from the user record:
    it is this app's business, created when first needed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference",
                                verbose_name=_("user"))
    email_mode = models.CharField(_("send me e-mails"), max_length=20, choices=EmailMode.choices,
                                  default=EmailMode.IMMEDIATE)
    # Empty: the language of the user's account (their own setting where the user record has one, else the
    # company's), so one choice in My settings covers pages and e-mails alike unless the user asks otherwise here.
    language = models.CharField(_("language of e-mails"), max_length=10, choices=settings.LANGUAGES, blank=True)
    # Calendar apps fetch the feed without logging in: the token is the credential, never the password.
    calendar_token = models.CharField(_("calendar token"), max_length=64, unique=True, default=new_calendar_token)
    last_digest_on = models.DateField(_("last digest"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(condition=~Q(calendar_token=""), name="notifications_calendar_token_set"),
        ]

    def __str__(self):
        return str(self.user)

    @staticmethod
    def restrict_rows(queryset, user, action):
        return queryset.filter(user=user)
