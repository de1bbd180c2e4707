"""Reminders: what the work queue owes each person becomes notifications, each told once, by inbox and e-mail.

`send_reminders` walks every active user's work queue (core.worklist.items_for, the same items their home page
lists) and records one Notification per item and kind; a new one is e-mailed at once to the people who chose
immediate e-mail, in the same transaction that writes the row, so a run that stops half-way leaves nothing
half-told and a second run (or a second scheduler running at the same moment) finds the rows and sends nothing.
`send_digests` sends the others one e-mail a day of what they have not read yet.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from core import context
from core.worklist import Kind, items_for

from .choices import EmailMode, NotificationKind
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


def languages():
    return [code for code, _name in settings.LANGUAGES]


def preference_for(user):
    """The user's preferences, created with the defaults (immediate e-mail in the account's language) the first
    time anything needs them."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def language_for(user, preference):
    """The language a user's e-mails and calendar are written in: the one chosen for notifications, else the
    account's (the user record's own setting where it has one), else the company's."""
    return preference.language or context.language_of(user)


def site_url(path):
    """An absolute link for an e-mail or a calendar entry (SERVPLAN_SITE_URL: where users reach ServPlan)."""
    return settings.SERVPLAN_SITE_URL.rstrip("/") + path


def kind_of(item, today):
    """The most urgent reason to tell someone about a work-queue item today."""
    if item.kind == Kind.URGENT:
        return NotificationKind.URGENT
    if item.kind == Kind.APPROVE:
        return NotificationKind.APPROVAL
    if item.overdue(today):
        return NotificationKind.OVERDUE
    if item.due is not None and item.due <= today + timedelta(days=settings.SERVPLAN_REMINDER_DAYS):
        return NotificationKind.DUE
    return NotificationKind.ASSIGNED


def items_with_titles(user, today):
    """The user's work-queue items, each with its title in every language of the site ({language: title})."""
    found, titles = {}, {}
    for language in languages():
        with translation.override(language):
            for item in items_for(user, today):
                found.setdefault(item.key, item)
                titles.setdefault(item.key, {})[language] = str(item.title)
    return [(item, titles[key]) for key, item in found.items()]


def escalation_recipient(owner):
    """Who hears of an owner's overdue work: the head of their department, or of the next one up when the owner
    heads it themselves."""
    department = getattr(owner, "department", None)
    while department is not None:
        head = department.head
        if head is not None and head.pk != owner.pk and head.is_active:
            return head
        department = department.parent
    return None


def send_reminders(today=None):
    """Tell every active user what is new in their work queue. Returns how many notifications were created."""
    today = today or timezone.localdate()
    created = 0
    users = get_user_model().objects.filter(is_active=True).select_related("department__head")
    for user in users:
        owed = items_with_titles(user, today)
        preference = preference_for(user) if owed else None
        for item, titles in owed:
            kind = kind_of(item, today)
            created += notify(user, item, kind, titles, preference=preference)
            if kind == NotificationKind.OVERDUE and (today - item.due).days >= settings.SERVPLAN_ESCALATION_DAYS:
                head = escalation_recipient(user)
                if head is not None:
                    created += notify(head, item, NotificationKind.ESCALATION, titles, owner=user)
        resolve_gone(user, {item.key for item, _titles in owed})
    return created


def resolve_gone(user, keys):
    """Mark done what left the user's work queue (their own notifications, and the escalations about them)."""
    open_rows = Notification.objects.filter(resolved_at__isnull=True).exclude(key__in=keys)
    open_rows.filter(recipient=user).exclude(kind=NotificationKind.ESCALATION).update(resolved_at=timezone.now())
    open_rows.filter(owner=user, kind=NotificationKind.ESCALATION).update(resolved_at=timezone.now())


def notify(recipient, item, kind, titles, owner=None, preference=None) -> bool:
    """Record that `recipient` was told about `item` for `kind`, once; e-mail it now if they want it at once (an
    urgent one is e-mailed at once whatever they chose; the daily digest then leaves it out, being e-mailed).
    The row and the e-mail's mark are one transaction; the unique (recipient, key, kind) makes a concurrent run
    wait for this one and then find the row."""
    preference = preference or preference_for(recipient)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            recipient=recipient, key=item.key, kind=kind,
            defaults={"titles": titles, "url": item.url, "due": item.due, "owner": owner})
        if not created and notification.resolved_at is not None:  # back in the queue (returned, reopened)
            notification.resolved_at = None
            notification.save(update_fields=["resolved_at"])
        at_once = preference.email_mode == EmailMode.IMMEDIATE or kind == NotificationKind.URGENT
        if created and at_once and recipient.email:
            _send(recipient, preference, [notification])
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return created


def send_digests(now=None):
    """Send the day's digest to every digest reader whose local clock has passed SERVPLAN_DIGEST_HOUR and who
    has not had today's yet. Returns how many e-mails were sent."""
    now = now or timezone.now()
    sent = 0
    for preference in NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST).select_related("user"):
        local = now.astimezone(context.zone_of(preference.user))
        if local.hour >= settings.SERVPLAN_DIGEST_HOUR and preference.last_digest_on != local.date():
            sent += send_digest(preference.pk, local.date(), now)
    return sent


def send_digest(preference_pk, day, now) -> bool:
    """One digest of the notifications still unread and to do, not yet e-mailed; the preference row's lock
    makes a second scheduler wait and then find today's digest sent."""
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().select_related("user").get(pk=preference_pk)
        if preference.last_digest_on == day or preference.email_mode != EmailMode.DIGEST:
            return False
        preference.last_digest_on = day
        preference.save(update_fields=["last_digest_on"])
        pending = list(preference.user.notifications.pending().filter(emailed_at__isnull=True)
                       .order_by("due", "created"))
        if not pending or not preference.user.email:
            return False
        _send(preference.user, preference, pending, digest=True)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    return True


def _send(recipient, preference, notifications, digest=False):
    """One e-mail in the recipient's language and time zone, with absolute links."""
    with translation.override(language_for(recipient, preference)), timezone.override(context.zone_of(recipient)):
        if digest:
            subject = _t("[ServPlan] Your daily summary: %(count)s items") % {"count": len(notifications)}
        else:
            first = notifications[0]
            subject = _t("[ServPlan] %(kind)s: %(title)s") % {"kind": first.get_kind_display(), "title": first.title}
        body = render_to_string("notifications/email/notifications.txt", {
            "recipient": recipient, "digest": digest, "settings_url": site_url("/notifications/"),
            "rows": [{"notification": n, "title": n.title, "kind": n.get_kind_display(), "link": site_url(n.url),
                      "owner": n.owner} for n in notifications]})
    EmailMessage(subject=subject.replace("\n", " "), body=body, to=[recipient.email]).send()
