"""Monthly service reports: generation (a frozen snapshot), analyses of missed targets, issue to the customer."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, context, display, records, rows
from core.choices import AuditAction
from core.permissions import allowed

from ..choices import GenerationStatus
from ..exports import record_pdf
from ..figures import build_snapshot, metric_name, previous_month
from ..models import MetricAnalysis, MonthlyServiceReport, profile_for

# ---- monthly report generation ----------------------------------------------------------------

def needs_reason(report):
    """Regenerating an approved or issued report makes its next version, which needs a stated reason."""
    return report.status in type(report).record_type().workflow.frozen_states


def start_generation(report, user, reason=""):
    """Queue (re)generation. An approved or issued report is never altered: its next version is generated, and
    only on purpose, with the reason recorded as that version's change note."""
    workflow = type(report).record_type().workflow
    if needs_reason(report):
        if not (reason or "").strip():
            raise ValidationError({"reason": _t("Say why version %(v)s is regenerated: it is approved or issued, "
                                                "so the figures go into a new version %(next)s.")
                                             % {"v": report.version, "next": report.version + 1}})
        with transaction.atomic():
            report = records.new_version(report, user, comment=reason.strip())
            before = audit.snapshot(report)
            report.change_note = reason.strip()  # the revision table says why this version exists
            records.update(report, user, before, comment=reason.strip())
    elif report.status not in workflow.editable_states:
        raise ValidationError(_t("A report in review cannot be regenerated; withdraw or return it first."))
    MonthlyServiceReport.objects.filter(pk=report.pk).update(generation=GenerationStatus.QUEUED, progress=0,
                                                             generation_message="")
    from ..tasks import generate_report_task

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
            records.update(report, user, before,
                           comment=display.message(gettext_noop("Figures generated from the service data.")))
            _sync_analyses(report, user)
    return report


def _sync_analyses(report, user):
    missed = {row["key"]: row for row in report.missed_rows()}
    existing = {a.metric_key: a for a in report.analyses.all()}
    for key, analysis in existing.items():
        if key not in missed:
            records.delete(analysis, user,
                           comment=display.message(gettext_noop("The target is met in the regenerated figures.")))
    for key, row in missed.items():
        if key not in existing:
            records.create(MetricAnalysis(report=report, metric_key=key, metric_label=metric_name(row)[:100]), user)


def may_generate(report, user):
    """Whether the page offers (re)generation: the latest version, to a user who may change reports."""
    return allowed(user, type(report), "change") and report.is_latest


def check_analyses(report, listed):
    """Analyses follow the generated figures: a write may fill in their texts, not add or drop metrics."""
    keys = sorted(row["metric_key"] for row in listed)
    expected = sorted(report.analyses.values_list("metric_key", flat=True)) if report is not None else []
    if keys != expected:
        raise ValidationError(_t("List the analysis of each missed target once: %(keys)s.")
                              % {"keys": ", ".join(expected) or "—"})


def save_analyses(report, texts, user):
    """Write the analysis and improvement action of each missed target: {metric_key: (analysis, improvement)}."""
    rows.replace(report, "analyses", [{"metric_key": key, "analysis": analysis, "improvement": improvement}
                                      for key, (analysis, improvement) in texts.items()], user)


def fail_generation(report_id, error):
    MonthlyServiceReport.objects.filter(pk=report_id).update(generation=GenerationStatus.FAILED,
                                                             generation_message=str(error)[:2000])


def report_for(contract, year, month):
    return MonthlyServiceReport.objects.filter(contract__number=contract.number, year=year, month=month) \
        .order_by("-version").first()


# ---- issue to the customer ------------------------------------------------------------------

def issue_report(report, user):
    """E-mail the PDF to the profile's recipients (else the project plan's); record when and to whom."""
    from .profiles import recipients_for

    recipients = recipients_for(report)
    with context.user_locale(None):  # the customer reads the company's language, dates in the company's zone
        message = EmailMessage(
            subject=_t("Monthly service report %(period)s: %(title)s") % {"period": report.period_label,
                                                                          "title": report.title},
            body=_t("Please find attached the monthly service report %(number)s V%(version)s for %(period)s.")
            % {"number": report.number, "version": report.version, "period": report.period_label}
            + "\n\n" + _t("How satisfied are you with this month's service? Your contacts with a ServPlan login "
                          "answer the short survey here: %(url)s") % {"url": survey_url(report)},
            from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
        message.attach(f"{report.number}-V{report.version}.pdf", record_pdf(report), "application/pdf")
    message.send()
    now = timezone.now()
    MonthlyServiceReport.objects.filter(pk=report.pk).update(issued_at=now, issued_to=recipients)
    report.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, report, user=user,
                       comment=display.message(gettext_noop("Issued to the customer")),
                       snap=audit.snapshot(report),
                       changes={"issued_to": [[], recipients], "issued_at": [None, now.isoformat()]})


def survey_url(report):
    """The satisfaction survey for an issued report, as an absolute link for the issue e-mail."""
    from django.urls import reverse

    path = reverse("reporting:satisfaction_answer", args=[report.pk])
    return settings.SERVPLAN_SITE_URL.rstrip("/") + path


def last_month(today=None):
    today = today or timezone.localdate()
    return previous_month(today.year, today.month)
