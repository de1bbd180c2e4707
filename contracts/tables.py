import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

from .models import Contract, ContractReview, ServiceLevelAgreement


class ContractTable(ControlledRecordTable):
    customer = tables.Column(verbose_name=_("customer"))
    service_tier = tables.Column(verbose_name=_("service level tier"))
    start_date = tables.DateColumn(format="Y-m-d", verbose_name=_("start date"))
    end_date = tables.DateColumn(format="Y-m-d", verbose_name=_("end date"))
    value = tables.Column(verbose_name=_("contract value (CNY)"), attrs={"td": {"class": "text-end"}})

    class Meta(ControlledRecordTable.Meta):
        model = Contract
        fields = ("number", "version", "title", "customer", "service_tier", "start_date", "end_date", "value",
                  "status", "updated")


class ServiceLevelAgreementTable(ControlledRecordTable):
    contract = RecordLinkColumn(verbose_name=_("service contract"), order_by="contract__number")
    customer = tables.Column(verbose_name=_("customer"))
    effective_from = tables.DateColumn(format="Y-m-d", verbose_name=_("effective from"))
    availability_target = tables.Column(verbose_name=_("availability target (%)"))

    class Meta(ControlledRecordTable.Meta):
        model = ServiceLevelAgreement
        fields = ("number", "version", "title", "contract", "customer", "effective_from", "availability_target",
                  "status", "updated")


class ContractReviewTable(ControlledRecordTable):
    contract = RecordLinkColumn(verbose_name=_("service contract"), order_by="contract__number")
    customer = tables.Column(verbose_name=_("customer"))

    class Meta(ControlledRecordTable.Meta):
        model = ContractReview
        fields = ("number", "version", "title", "contract", "customer", "status", "author", "updated")
