import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet

from .choices import ReviewStatus, SignedStatus
from .models import Contract, ContractReview, ServiceLevelAgreement


class ContractFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "customer__name")
    status = django_filters.MultipleChoiceFilter(choices=SignedStatus.choices, label=_("status"))
    active_on = django_filters.DateFilter(method="active", label=_("in force on"))

    class Meta:
        model = Contract
        fields = ["q", "status", "customer", "service_tier", "proposal", "active_on", "created_after",
                  "created_before"]

    def active(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


class ServiceLevelAgreementFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "contract__number", "customer__name")
    status = django_filters.MultipleChoiceFilter(choices=SignedStatus.choices, label=_("status"))

    class Meta:
        model = ServiceLevelAgreement
        fields = ["q", "status", "contract", "customer", "created_after", "created_before"]


class ContractReviewFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "contract__number", "customer__name")
    status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices, label=_("status"))

    class Meta:
        model = ContractReview
        fields = ["q", "status", "contract", "customer", "created_after", "created_before"]
