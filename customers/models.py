"""Customers and what the pre-sales stage learns about them (SP-4.1.1, SP-4.1.2).

A customer has contacts, its current IT environment (configuration items:
servers, network, applications, storage, with counts, versions and
locations) and operating data per month (volumes, incidents, availability).
The environment and operating data are imported from XLSX/CSV files
(customers.importer) or edited row by row; every write goes through
core.records and is audited.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.fields import StoredDecimalsMixin
from core.models import BaseModel

from .choices import ItemKind

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Customer(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_paths = {"customer": ""}

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.name


class CustomerRow(BaseModel):
    """A row that belongs to one customer; its pages lead back to the customer."""

    scope_paths = {"customer": "customer"}

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return self.customer.get_absolute_url()


class Contact(CustomerRow):
    customer = models.ForeignKey(Customer, models.CASCADE, related_name="contacts", verbose_name=_("customer"))
    name = models.CharField(_("name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # The contact's own sign-in (Role.CUSTOMER), given and revoked by the Service Department or Sales (portal):
    # it reaches only this customer's records shared with the customer.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, editable=False,
                                related_name="customer_contact", verbose_name=_("sign-in"))

    class Meta:
        ordering = ["customer", "-primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.job_title})" if self.job_title else self.name


class ConfigurationItem(CustomerRow):
    """One line of the customer's current IT environment: a kind of item, how many, where."""

    customer = models.ForeignKey(Customer, models.CASCADE, related_name="configuration_items",
                                 verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    name = models.CharField(_("name"), max_length=200,
                            help_text=_("e.g. core switch, online banking system, PC terminals."))
    model_version = models.CharField(_("model / version"), max_length=200, blank=True,
                                     help_text=_("e.g. Huawei S12700, Oracle 19c, Windows 11."))
    count = models.PositiveIntegerField(_("count"), default=1)
    location = models.CharField(_("location"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["customer", "kind", "name"]
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "name"], name="customers_one_item_per_kind_name",
                                    violation_error_message=_("This customer already has an item of this kind "
                                                              "and name.")),
            models.CheckConstraint(condition=Q(count__gte=1), name="customers_item_count_positive",
                                   violation_error_message=_("The count must be at least 1.")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name} × {self.count}"

    def clean(self):
        super().clean()
        if self.count is not None and self.count < 1:
            raise ValidationError({"count": _t("The count must be at least 1.")})


class OperatingData(StoredDecimalsMixin, CustomerRow):
    """The customer's operating figures of one month, as the customer reports them."""

    customer = models.ForeignKey(Customer, models.CASCADE, related_name="operating_data",
                                 verbose_name=_("customer"))
    period = models.DateField(_("month"), help_text=_("The first day of the month, e.g. 2026-03-01."))
    ticket_volume = models.PositiveIntegerField(_("tickets"), default=0,
                                                help_text=_("Incidents and service requests in the month."))
    incident_count = models.PositiveIntegerField(_("incidents"), default=0)
    major_incident_count = models.PositiveIntegerField(_("major incidents"), default=0)
    availability_percent = models.DecimalField(_("availability (%)"), max_digits=6, decimal_places=3, null=True,
                                               blank=True, validators=PERCENT)
    downtime_minutes = models.PositiveIntegerField(_("unplanned downtime (minutes)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["customer", "-period"]
        verbose_name = _("operating data")
        verbose_name_plural = _("operating data")
        constraints = [
            models.UniqueConstraint(fields=["customer", "period"], name="customers_one_operating_row_per_month",
                                    violation_error_message=_("This customer already has operating data for "
                                                              "this month.")),
            models.CheckConstraint(condition=Q(availability_percent__isnull=True)
                                   | Q(availability_percent__gte=0, availability_percent__lte=100),
                                   name="customers_operating_availability_percent",
                                   violation_error_message=_("Availability is a percentage (0–100).")),
        ]

    def __str__(self):
        return f"{self.customer} {self.period:%Y-%m}" if self.period else str(self.customer)

    def clean(self):
        super().clean()
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _t("Give the month as its first day (e.g. 2026-03-01).")})
        if self.major_incident_count is not None and self.incident_count is not None \
                and self.major_incident_count > self.incident_count:
            raise ValidationError({"major_incident_count": _t("Major incidents cannot outnumber incidents.")})
