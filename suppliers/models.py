"""Suppliers 供方 (SP-2.6): who the company buys hardware, software and subcontracted services from, their contacts
and certificates, and how each delivery went (recorded by procurement, read by the next evaluation)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow, ControlledRecord

from .choices import SupplierCategory


class Supplier(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=SupplierCategory.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self):
        return self.name


class SupplierRow(BaseModel):
    """A row that belongs to one supplier; its pages lead back to the supplier."""

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return self.supplier.get_absolute_url()


class SupplierContact(SupplierRow):
    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="contacts", verbose_name=_("supplier"))
    name = models.CharField(_("name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["supplier", "-primary", "name"]
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")

    def __str__(self):
        return self.name


class Certificate(SupplierRow):
    """A licence, authorisation or certification the supplier holds (ISO 9001, a vendor's authorisation letter),
    valid until a date: a supplier whose certificate has lapsed is not qualified."""

    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="certificates", verbose_name=_("supplier"))
    name = models.CharField(_("certificate"), max_length=200, help_text=_("e.g. ISO 9001, Huawei partner "
                                                                          "authorisation."))
    reference = models.CharField(_("certificate number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["supplier", "valid_until"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.name} ({self.reference})" if self.reference else self.name

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _t("A certificate cannot end before it starts.")})


class Performance(SupplierRow):
    """How one delivery of a procurement went: on time or not, defects found at acceptance. Procurement writes it
    when a delivery is accepted; the supplier's next evaluation reads every row since the previous one."""

    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="performance", verbose_name=_("supplier"))
    delivered_on = models.DateField(_("delivered on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"))
    quantity = models.PositiveIntegerField(_("quantity delivered"), default=1)
    defects = models.PositiveIntegerField(_("defects"), default=0, validators=[MinValueValidator(0)])
    source_label = models.CharField(_("delivery of"), max_length=300,
                                    help_text=_("The procurement and item delivered, as it read when recorded."))
    source_url = models.CharField(_("link"), max_length=300, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["supplier", "-delivered_on", "-pk"]
        verbose_name = _("supplier performance")
        verbose_name_plural = _("supplier performance")

    def __str__(self):
        return f"{self.supplier} {self.delivered_on}: {self.source_label}"


class QualifiedList(ControlledRecord):
    """合格供方名录: the suppliers the company may buy from, each for a scope of supply until a date. Approved by
    Commerce and re-approved by its review date (a new version); only the approved version in force counts."""

    review_due = models.DateField(_("re-approval due"),
                                  help_text=_("The list must be reviewed and approved again by this date."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("qualified supplier list")
        verbose_name_plural = _("qualified supplier lists")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="suppliers_list_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]


class QualifiedEntry(ChildRow):
    parent_field = "qualified_list"
    row_key = ("supplier",)

    qualified_list = models.ForeignKey(QualifiedList, models.CASCADE, related_name="entries",
                                       verbose_name=_("qualified supplier list"))
    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="+", verbose_name=_("supplier"))
    scope = models.CharField(_("scope of supply"), max_length=300, blank=True,
                             help_text=_("What the supplier is qualified to supply, e.g. Huawei servers and "
                                         "storage."))
    valid_until = models.DateField(_("qualified until"),
                                   help_text=_("Usually the end of the supplier's evaluation's validity."))

    class Meta:
        ordering = ["qualified_list", "supplier__code"]
        verbose_name = _("qualified supplier")
        verbose_name_plural = _("qualified suppliers")
        constraints = [models.UniqueConstraint(fields=["qualified_list", "supplier"], name="suppliers_entry_once",
                                               violation_error_message=_("This supplier is already on the list."))]

    def __str__(self):
        return f"{self.supplier} ({self.scope})" if self.scope else str(self.supplier)
