"""Reporting services: generation (frozen snapshot), issue, distribution, internal report, meetings, ICS."""

from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from contracts.models import Contract
from core import audit, records
from core.choices import AuditAction
from servicedata import sla
from servicedata.models import Ticket

from .choices import GenerationStatus, Scope
from .figures import build_snapshot, metric_name, previous_month
from .models import ActionItem, MetricAnalysis, MonthlyServiceReport, profile_for

# ---- monthly report generation ----------------------------------------------------------------

def start_generation(report, user):
    """Queue (re)generation. An approved or issued report is never altered: a new version is generated."""
    workflow = type(report).record_type().workflow
    if report.status in workflow.frozen_states:
        report = records.new_version(report, user, comment=_t("Regenerated from the current service data."))
    elif report.status not in workflow.editable_states:
        raise ValidationError(_t("A report in review cannot be regenerated; withdraw or return it first."))
    MonthlyServiceReport.objects.filter(pk=report.pk).update(generation=GenerationStatus.QUEUED, progress=0,
                                                             generation_message="")
    from .tasks import generate_report_task

    generate_report_task.enqueue(report.pk, user.pk)
    report.refresh_from_db()
    return report


def run_generation(report, user):
    """Compute the figures and freeze them in the report (the task body; tests call it directly too)."""
    def progress(percent):
        MonthlyServiceReport.objects.filter(pk=report.pk).update(progress=percent)

    MonthlyServiceReport.objects.filter(pk=report.pk).update(generation=GenerationStatus.RUNNING, progress=1)
    with translation.override(settings.LANGUAGE_CODE):
        snapshot = build_snapshot(report.contract, report.year, report.month, profile_for(report.contract),
                                  progress)
        with transaction.atomic():
            report = MonthlyServiceReport.objects.select_for_update().get(pk=report.pk)
            before = audit.snapshot(report)
            report.snapshot = snapshot
            report.generated_at = timezone.now()
            report.generation = GenerationStatus.DONE
            report.progress = 100
            report.generation_message = ""
            records.update(report, user, before, comment=_t("Figures generated from the service data."))
            _sync_analyses(report, user)
    return report


def _sync_analyses(report, user):
    missed = {row["key"]: row for row in report.missed_rows()}
    existing = {a.metric_key: a for a in report.analyses.all()}
    for key, analysis in existing.items():
        if key not in missed:
            records.delete(analysis, user, comment=_t("The target is met in the regenerated figures."))
    for key, row in missed.items():
        if key not in existing:
            records.create(MetricAnalysis(report=report, metric_key=key, metric_label=metric_name(row)[:100]), user)


def fail_generation(report_id, error):
    MonthlyServiceReport.objects.filter(pk=report_id).update(generation=GenerationStatus.FAILED,
                                                             generation_message=str(error)[:2000])


def report_for(contract, year, month):
    return MonthlyServiceReport.objects.filter(contract__number=contract.number, year=year, month=month) \
        .order_by("-version").first()


# ---- issue / distribute -----------------------------------------------------------------------

def _pdf(record):
    from core.exporting import build_document
    from core.exports import render_pdf

    language = getattr(getattr(record, "profile", None), "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return render_pdf(build_document(record, language=language))


def issue_report(report, user):
    """E-mail the PDF to the profile's recipients; record when and to whom."""
    profile = report.profile
    recipients = list(profile.recipients) if profile else []
    if not recipients:
        raise ValidationError(_t("The contract's report profile names no customer recipients."))
    message = EmailMessage(
        subject=_t("Monthly service report %(period)s: %(title)s") % {"period": report.period_label,
                                                                      "title": report.title},
        body=_t("Please find attached the monthly service report %(number)s V%(version)s for %(period)s.")
        % {"number": report.number, "version": report.version, "period": report.period_label},
        from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    message.attach(f"{report.number}-V{report.version}.pdf", _pdf(report), "application/pdf")
    message.send()
    now = timezone.now()
    MonthlyServiceReport.objects.filter(pk=report.pk).update(issued_at=now, issued_to=recipients)
    report.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, report, user=user, comment=_t("Issued to the customer"),
                       snap=audit.snapshot(report),
                       changes={"issued_to": [[], recipients], "issued_at": [None, now.isoformat()]})


def distribute_minutes(minutes, user):
    recipients = minutes.recipients()
    if not recipients:
        raise ValidationError(_t("The meeting has no attendees with an e-mail address."))
    message = EmailMessage(
        subject=_t("Meeting minutes: %(title)s") % {"title": minutes.title},
        body=_t("Please find attached the approved minutes %(number)s V%(version)s.")
        % {"number": minutes.number, "version": minutes.version},
        from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    message.attach(f"{minutes.number}-V{minutes.version}.pdf", _pdf(minutes), "application/pdf")
    message.send()
    now = timezone.now()
    type(minutes).objects.filter(pk=minutes.pk).update(distributed_at=now, distributed_to=recipients)
    minutes.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, minutes, user=user, comment=_t("Distributed"),
                       snap=audit.snapshot(minutes),
                       changes={"distributed_to": [[], recipients], "distributed_at": [None, now.isoformat()]})


# ---- internal report ----------------------------------------------------------------------------

def contracts_in_scope(scope, department, year, month):
    """Contracts in force (one version per contract) running in the month, of the department or the company."""
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    rows = Contract.objects.in_force().filter(start_date__lt=last, end_date__gte=first) \
        .select_related("customer", "service_tier").order_by("number", "-version")
    if scope == Scope.DEPARTMENT and department is not None:
        from .models import ReportProfile

        numbers = set(ReportProfile.objects.filter(owner_department=department).values_list("contract__number",
                                                                                              flat=True))
        numbers |= set(MonthlyServiceReport.objects.filter(owner_department=department)
                       .values_list("contract__number", flat=True))
        rows = rows.filter(Q(owner_department=department) | Q(number__in=numbers))
    latest = {}
    for contract in rows:
        latest.setdefault(contract.number, contract)
    return list(latest.values())


def build_internal_snapshot(scope, department, year, month):
    lines = []
    for contract in contracts_in_scope(scope, department, year, month):
        m = sla.period_metrics(contract, year, month)
        missed = [f"{kind} {f.priority}" for kind, figures in (("response", m.response), ("resolution", m.resolution))
                  for f in figures if f.met is False]
        if m.availability_met is False:
            missed.append("availability")
        if m.over_capacity:
            missed.append("volume")
        report = report_for(contract, year, month)
        lines.append({"contract": contract.number, "contract_id": contract.pk, "title": contract.title,
                      "customer": str(contract.customer),
                      "response": m.response_overall.percent, "resolution": m.resolution_overall.percent,
                      "availability": m.availability_percent, "availability_target": m.availability_target,
                      "volume": m.volume, "capacity": m.capacity_limit, "mttr": m.mttr_seconds,
                      "outages": m.outages, "missed": missed, "all_met": m.all_met,
                      "report": report.number if report else "",
                      "report_status": report.status if report else ""})
    lines.sort(key=lambda line: (not line["missed"], line["customer"]))
    numbers = [line["contract"] for line in lines]
    ids = list(Contract.objects.filter(number__in=numbers).values_list("pk", flat=True))
    zone = timezone.get_current_timezone()
    months = sla.last_months(year, month, 3)
    start = datetime(months[0][0], months[0][1], 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    trend = {}
    for created, category in Ticket.objects.filter(contract_id__in=ids, created__gte=start, created__lt=end) \
            .values_list("created", "category"):
        local = created.astimezone(zone)
        counts = trend.setdefault(category or "—", [0] * len(months))
        counts[months.index((local.year, local.month))] += 1
    problems = sorted(({"category": c, "counts": v} for c, v in trend.items()), key=lambda r: -sum(r["counts"]))[:8]
    open_high = [{"id": t.external_id, "contract": t.contract.number, "priority": t.priority, "summary": t.summary,
                  "created": t.created.astimezone(zone).strftime("%Y-%m-%d %H:%M")}
                 for t in Ticket.objects.filter(contract_id__in=ids, priority__in=["P1", "P2"], resolved__isnull=True,
                                                created__lt=end).select_related("contract").order_by("created")[:50]]
    overdue = [{"id": a.pk, "description": a.description, "owner": str(a.owner), "due": a.due_date.isoformat(),
                "minutes": a.minutes.number}
               for a in ActionItem.objects.overdue().select_related("owner", "minutes")]
    return {"period": {"year": year, "month": month, "label": f"{year}-{month:02d}"},
            "generated_at": timezone.now().isoformat(), "lines": lines,
            "problems": {"months": [f"{y}-{m:02d}" for y, m in months], "series": problems},
            "open_high": open_high, "overdue_actions": overdue,
            "missed_contracts": sum(1 for line in lines if line["missed"])}


def generate_internal(report, user):
    if report.status not in type(report).record_type().workflow.editable_states:
        report = records.new_version(report, user, comment=_t("Regenerated from the current service data."))
    before = audit.snapshot(report)
    report.snapshot = build_internal_snapshot(report.scope, report.department, report.year, report.month)
    report.generated_at = timezone.now()
    records.update(report, user, before, comment=_t("Figures generated from the service data."))
    return report


# ---- meetings -----------------------------------------------------------------------------------

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


def _ics_escape(text):
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line):
    """RFC 5545 folding: lines of at most 75 octets, continuation lines start with a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def meeting_ics(meeting, method="REQUEST"):
    """The invitation as iCalendar text (CRLF line endings, UTC times)."""
    organiser = meeting.organiser or meeting.chair
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ServPlan//Quality meeting//EN", f"METHOD:{method}",
             "BEGIN:VEVENT", f"UID:servplan-meeting-{meeting.pk}@servplan", f"DTSTAMP:{_ics_time(timezone.now())}",
             f"DTSTART:{_ics_time(meeting.start)}", f"DTEND:{_ics_time(meeting.end)}",
             f"SUMMARY:{_ics_escape(meeting.title)}",
             f"DESCRIPTION:{_ics_escape(chr(10).join(meeting.agenda or []))}"]
    if meeting.location:
        lines.append(f"LOCATION:{_ics_escape(meeting.location)}")
    if organiser.email:
        lines.append(f"ORGANIZER;CN={_ics_escape(organiser)}:mailto:{organiser.email}")
    for attendee in meeting.attendees.select_related("user"):
        if attendee.user.email:
            lines.append(f"ATTENDEE;CN={_ics_escape(attendee.user)};ROLE=REQ-PARTICIPANT:mailto:{attendee.user.email}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def send_invitation(meeting, user):
    recipients = sorted({a.user.email for a in meeting.attendees.select_related("user") if a.user.email}
                        | {u.email for u in (meeting.chair, meeting.minute_taker) if u.email})
    if not recipients:
        raise ValidationError(_t("Nobody to invite: add attendees with an e-mail address."))
    message = EmailMessage(subject=_t("Invitation: %(title)s") % {"title": meeting.title},
                           body="\n".join(meeting.agenda or []), from_email=settings.DEFAULT_FROM_EMAIL,
                           to=recipients)
    message.attach("invite.ics", meeting_ics(meeting), "text/calendar; method=REQUEST; charset=utf-8")
    message.send()
    type(meeting).objects.filter(pk=meeting.pk).update(invitation_sent_at=timezone.now())
    meeting.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, meeting, user=user, comment=_t("Invitation sent"),
                       snap=audit.snapshot(meeting),
                       changes={"invited": [[], recipients]})
    return recipients


def last_month(today=None):
    today = today or timezone.localdate()
    return previous_month(today.year, today.month)
