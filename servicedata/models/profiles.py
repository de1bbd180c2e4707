"""Import profiles: how one service desk's export or API is read, as a controlled, versioned record (SP-IPF).

A profile names, for each ticket field, the source column(s) it is read from (`ProfileColumn`), how source values
map to ServPlan's codes (`ProfileValue`, e.g. ServiceNow "5 - Planning" -> excluded), how times are written
(formats, the source's time zone), which statuses mean first response and waiting (pauses read from status
history), and what each kind of suspicious row gets (`ProfileRule`: reject the file, exclude the row, repair it).
`servicedata.intake.spec.ProfileSpec` is the profile as the reader uses it; the built-in profiles
(`servicedata/intake/builtin/*.json`) are the same data, shipped.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ChildRow, ControlledRecord

from ..choices import Anomaly, FileEncoding, ImportFormat, ProfileField, RuleAction, SourceTool


class ImportProfile(ControlledRecord):
    contract = models.ForeignKey("contracts.Contract", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("contract"), help_text=_("Empty: shared by every contract."))
    title = models.CharField(_("name"), max_length=200)
    tool = models.CharField(_("service desk"), max_length=20, choices=SourceTool.choices, default=SourceTool.OTHER)
    based_on = models.CharField(_("based on built-in profile"), max_length=40, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices, default=ImportFormat.CSV)
    encoding = models.CharField(_("encoding"), max_length=10, choices=FileEncoding.choices,
                                default=FileEncoding.AUTO)
    records_path = models.CharField(_("records path"), max_length=100, blank=True,
                                    help_text=_("JSON only: where the list of tickets is, e.g. “result” or "
                                                "“issues”; empty: the file is the list."))
    external_system = models.CharField(_("external system"), max_length=40, blank=True,
                                       help_text=_("Names the source in ticket keys, e.g. servicenow-acme."))
    time_zone = models.CharField(_("source time zone"), max_length=60, blank=True,
                                 help_text=_("For times without an offset; empty: the contract calendar's."))
    date_formats = models.JSONField(_("date formats"), default=list, blank=True,
                                    help_text=_("Tried in order after ISO 8601, e.g. %d/%b/%y %I:%M %p."))
    first_response_statuses = models.JSONField(
        _("first response statuses"), default=list, blank=True,
        help_text=_("Source statuses whose first entry in a ticket's history is its first response (when no "
                    "column gives it)."))
    pause_statuses = models.JSONField(
        _("waiting statuses"), default=list, blank=True,
        help_text=_("Source statuses during which the resolution clock stops, read from the ticket's status "
                    "history (e.g. On Hold, Waiting for customer)."))

    new_version_resets = ()

    class Meta(ControlledRecord.Meta):
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="servicedata_profile_version",
                                               violation_error_message=_("This number and version already exist."))]

    def __str__(self):
        return f"{self.number} {self.title}".strip() if self.number else self.title

    def clean(self):
        super().clean()
        if self.contract_id:
            self.customer_id = self.contract.customer_id

    def export_sections(self, language):
        from ..exports import profile_sections

        return profile_sections(self, language)

    def spec(self):
        """The profile as the reader uses it (servicedata.intake.spec.ProfileSpec)."""
        from ..intake.spec import ProfileSpec

        return ProfileSpec.from_profile(self)


class ProfileColumn(ChildRow):
    """A ticket field and the source column(s) it is read from (first non-empty wins)."""

    parent_field = "profile"
    row_key = ("field",)

    profile = models.ForeignKey(ImportProfile, models.CASCADE, related_name="columns", verbose_name=_("profile"))
    field = models.CharField(_("field"), max_length=30, choices=ProfileField.choices)
    column = models.CharField(_("source column"), max_length=300,
                              help_text=_("The column's name in the file (or a JSON path like fields.priority.name); "
                                          "several alternatives separated by “|”."))
    default = models.CharField(_("default"), max_length=100, blank=True,
                               help_text=_("Used when the value is blank, or unknown and the rule repairs it."))

    class Meta:
        ordering = ["profile", "pk"]
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        constraints = [models.UniqueConstraint(fields=["profile", "field"], name="servicedata_profile_one_column",
                                               violation_error_message=_("This field is mapped twice."))]

    def __str__(self):
        return f"{self.get_field_display()} ← {self.column}"


class ProfileValue(ChildRow):
    """A source value and the ServPlan code it means (priority, status, kind), or “exclude”."""

    parent_field = "profile"
    row_key = ("field", "value")
    EXCLUDE = "exclude"

    profile = models.ForeignKey(ImportProfile, models.CASCADE, related_name="values", verbose_name=_("profile"))
    field = models.CharField(_("field"), max_length=30, choices=ProfileField.choices)
    value = models.CharField(_("source value"), max_length=100)
    code = models.CharField(_("read as"), max_length=40,
                            help_text=_("A ServPlan code (P1, closed, incident…) or “exclude” to leave the row out."))

    class Meta:
        ordering = ["profile", "field", "pk"]
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [models.UniqueConstraint(fields=["profile", "field", "value"],
                                               name="servicedata_profile_one_value",
                                               violation_error_message=_("This value is mapped twice."))]

    def __str__(self):
        return f"{self.get_field_display()} {self.value} → {self.get_code_display()}"

    def get_code_display(self):
        """What the value is read as, by its label (a status or kind code read as a person reads it)."""
        from catalog.choices import Priority

        from ..choices import TicketKind, TicketStatus

        choices = {"priority": Priority, "kind": TicketKind, "status": TicketStatus}.get(self.field)
        return str(choices(self.code).label) if choices and self.code in choices.values else self.code


class ProfileRule(ChildRow):
    """What a kind of suspicious row gets: reject the file, exclude the row, repair it (or keep it with a warning)."""

    parent_field = "profile"
    row_key = ("anomaly",)

    profile = models.ForeignKey(ImportProfile, models.CASCADE, related_name="rules", verbose_name=_("profile"))
    anomaly = models.CharField(_("when"), max_length=30, choices=Anomaly.choices)
    action = models.CharField(_("then"), max_length=10, choices=RuleAction.choices)

    class Meta:
        ordering = ["profile", "pk"]
        verbose_name = _("data-quality rule")
        verbose_name_plural = _("data-quality rules")
        constraints = [models.UniqueConstraint(fields=["profile", "anomaly"], name="servicedata_profile_one_rule",
                                               violation_error_message=_("This kind of row has a rule already."))]

    def __str__(self):
        return f"{self.get_anomaly_display()}: {self.get_action_display()}"
