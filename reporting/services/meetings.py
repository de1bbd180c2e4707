"""Quality meetings: agenda, invitation (iCalendar), attendees; minutes distribution and follow-up of actions."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, context, display, ical, records, rows
from core.choices import AuditAction
from core.workflow import refuse

from ..choices import ActionStatus
from ..exports import record_pdf


def agenda_from(internal_report):
    """Agenda items: missed targets, open problems, overdue actions (from the internal report)."""
    items = [_t("Service status of the month")]
    data = internal_report.snapshot if internal_report else {}
    for line in data.get("lines", []):
        if line["missed"]:
            items.append(_t("Missed targets: %(customer)s (%(contract)s): %(missed)s")
                         % {"customer": line["customer"], "contract": line["contract"],
                            "missed": ", ".join(line["missed"])})
    open_high = data.get("open_high", [])
    items.append(_t("Open problems: %(n)s open P1/P2 tickets") % {"n": len(open_high)})
    overdue = data.get("overdue_actions", [])
    items.append(_t("Overdue actions: %(n)s") % {"n": len(overdue)})
    for action in overdue:
        items.append(_t("Overdue action: %(d)s (%(owner)s, due %(due)s)") % {
            "d": action["description"], "owner": action["owner"], "due": action["due"]})
    items.append(_t("Improvement actions and any other business"))
    return items


def meeting_ics(meeting, method="REQUEST"):
    """The invitation as iCalendar text (core.ical: CRLF line endings, folded lines, UTC times)."""
    organiser = meeting.organiser or meeting.chair
    invitation = ical.event(f"servplan-meeting-{meeting.pk}@servplan", meeting.title, meeting.start, meeting.end,
                            description="\n".join(meeting.agenda_items))
    if meeting.location:
        invitation.add("location", meeting.location)
    if organiser.email:
        invitation.add("organizer", ical.person(organiser.email, organiser))
    for attendee in meeting.attendees.select_related("user"):
        if attendee.user.email:
            address = ical.person(attendee.user.email, attendee.user)
            address.params["role"] = "REQ-PARTICIPANT"
            invitation.add("attendee", address)
    invite = ical.calendar("Quality meeting", method=method)
    invite.add_component(invitation)
    return invite.to_ical().decode("utf-8")


def _edit_meeting(meeting):
    return _t("Edit the meeting"), reverse("reporting:qualitymeeting_edit", args=[meeting.pk])


def _invitees(meeting):
    people = [a.user for a in meeting.attendees.select_related("user")] + [meeting.chair, meeting.minute_taker]
    unique = {person.pk: person for person in people if person is not None and person.email}
    return sorted(unique.values(), key=lambda person: person.email)


def invitation_body(meeting):
    """The invitation's text in the active language and zone: when, where, the agenda as a numbered list."""
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    until = display.datetime_text(end) if start.date() != end.date() else formats.time_format(end, "TIME_FORMAT")
    lines = [meeting.title, "",
             _t("Time: %(start)s – %(end)s (%(zone)s)") % {"start": display.datetime_text(start), "end": until,
                                                           "zone": timezone.get_current_timezone_name()}]
    if meeting.location:
        lines.append(_t("Location: %(place)s") % {"place": meeting.location})
    if meeting.agenda:
        lines += ["", _t("Agenda:")] + [f"{n}. {item}" for n, item in enumerate(meeting.agenda_items, 1)]
    return "\n".join(lines)


def send_invitation(meeting, user):
    """E-mail the invitation with its ICS file; each invitee reads it in their own language and time zone."""
    invitees = _invitees(meeting)
    if not invitees:
        raise refuse(_t("Nobody to invite: add attendees with an e-mail address."), _edit_meeting(meeting))
    for first, group in context.by_locale(invitees):
        with context.user_locale(first):
            message = EmailMessage(subject=_t("Invitation: %(title)s") % {"title": meeting.title},
                                   body=invitation_body(meeting), from_email=settings.DEFAULT_FROM_EMAIL,
                                   to=[person.email for person in group])
        message.attach("invite.ics", meeting_ics(meeting), "text/calendar; method=REQUEST; charset=utf-8")
        message.send()
    recipients = [person.email for person in invitees]
    type(meeting).objects.filter(pk=meeting.pk).update(invitation_sent_at=timezone.now())
    meeting.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, meeting, user=user, comment=display.message(gettext_noop("Invitation sent")),
                       snap=audit.snapshot(meeting),
                       changes={"invited": [[], recipients]})
    return recipients


def organise(meeting, user):
    """A new meeting is organised by whoever creates it."""
    if meeting.pk is None and meeting.organiser_id is None:
        meeting.organiser = user


def agenda_or_default(agenda, internal_report):
    """The agenda as given; none given, the internal report's points make it."""
    return agenda or agenda_from(internal_report)


def prepare_meeting(meeting, user):
    organise(meeting, user)
    meeting.agenda = agenda_or_default(meeting.agenda, meeting.internal_report)


def set_attendees(meeting, people, user):
    """Invite exactly `people`. Scheduling records no attendance: an invitee's presence stays unrecorded until the
    minutes record who was there (an invitee already recorded keeps what was recorded)."""
    recorded = dict(meeting.attendees.values_list("user_id", "present"))
    rows.replace(meeting, "attendees", [{"user": p, "present": recorded.get(p.pk)} for p in people], user)


def attendance_recorded(meeting) -> bool:
    return not meeting.attendees.filter(present__isnull=True).exists()


def record_attendance(meeting, present, user):
    """At the meeting, in its minutes: each invitee present (in `present`) or absent."""
    present_ids = {p.pk for p in present}
    for attendee in meeting.attendees.all():
        value = attendee.user_id in present_ids
        if attendee.present is not value:
            before = audit.snapshot(attendee)
            attendee.present = value
            records.update(attendee, user, before, comment=display.message(
                gettext_noop("Attendance recorded in the minutes.")))


# ---- minutes and their actions ------------------------------------------------------------------

def distribute_minutes(minutes, user):
    recipients = minutes.recipients()
    if not recipients:
        raise refuse(_t("The meeting has no attendees with an e-mail address."), _edit_meeting(minutes.meeting))
    for first, group in context.by_locale(_invitees(minutes.meeting)):
        with context.user_locale(first):  # the PDF too, in the reader's language, dates in their zone
            message = EmailMessage(
                subject=_t("Meeting minutes: %(title)s") % {"title": minutes.title},
                body=_t("Please find attached the approved minutes %(number)s V%(version)s.")
                % {"number": minutes.number, "version": minutes.version},
                from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email for person in group])
            message.attach(f"{minutes.number}-V{minutes.version}.pdf", record_pdf(minutes), "application/pdf")
        message.send()
    now = timezone.now()
    type(minutes).objects.filter(pk=minutes.pk).update(distributed_at=now, distributed_to=recipients)
    minutes.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, minutes, user=user, comment=display.message(gettext_noop("Distributed")),
                       snap=audit.snapshot(minutes),
                       changes={"distributed_to": [[], recipients], "distributed_at": [None, now.isoformat()]})


def set_action_status(action, status, user):
    """Close, cancel or reopen a meeting action; it stays trackable whatever the state of its minutes."""
    before = audit.snapshot(action)
    action.status = status
    action.closed_at = None if status == ActionStatus.OPEN else (action.closed_at or timezone.now())
    records.update(action, user, before)
    return action
