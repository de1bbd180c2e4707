from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Monthly service report: the generic review states plus "issued" (sent to the customer)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    DISTRIBUTED = "distributed", _("Distributed")
    SUPERSEDED = "superseded", _("Superseded")


class GenerationStatus(models.TextChoices):
    NONE = "none", _("Not generated")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Generating")
    DONE = "done", _("Generated")
    FAILED = "failed", _("Failed")


class Metric(models.TextChoices):
    """Which figures a report profile shows."""

    RESPONSE = "response", _("Response achievement")
    RESOLUTION = "resolution", _("Resolution achievement")
    AVAILABILITY = "availability", _("Availability")
    MTTR = "mttr", _("MTTR")
    MTBF = "mtbf", _("MTBF")
    VOLUME = "volume", _("Volume vs capacity")


class ReportLanguage(models.TextChoices):
    CHINESE = "zh-hans", _("Simplified Chinese")
    ENGLISH = "en", _("English")


class Scope(models.TextChoices):
    COMPANY = "company", _("Whole company")
    DEPARTMENT = "department", _("Department")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
class SurveyOccasion(models.TextChoices):
    """When the customer is asked how satisfied they are."""

    MONTHLY_REPORT = "monthly_report", _("After a monthly report")
    ACCEPTANCE = "acceptance", _("At acceptance")


class Score(models.IntegerChoices):
    """1–5; points on the 0–100 scale the quality objective reads are score × 20."""

    VERY_DISSATISFIED = 1, _("1 – Very dissatisfied")
    DISSATISFIED = 2, _("2 – Dissatisfied")
    NEUTRAL = 3, _("3 – Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("4 – Satisfied")
    VERY_SATISFIED = 5, _("5 – Very satisfied")


class AgreementDecision(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    CHANGES_REQUESTED = "changes", _("Changes requested")
