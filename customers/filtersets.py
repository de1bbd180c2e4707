import django_filters

from core.filtersets import SearchFilterSet

from .models import ConfigurationItem, Contact, Customer, OperatingData


class CustomerFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "name_en", "industry")
    active = django_filters.BooleanFilter()

    class Meta:
        model = Customer
        fields = ["q", "active", "industry"]


class ContactFilterSet(SearchFilterSet):
    search_fields = ("name", "job_title", "department", "phone", "email")

    class Meta:
        model = Contact
        fields = ["q", "customer", "primary"]


class ConfigurationItemFilterSet(SearchFilterSet):
    search_fields = ("name", "model_version", "location")

    class Meta:
        model = ConfigurationItem
        fields = ["q", "customer", "kind"]


class OperatingDataFilterSet(SearchFilterSet):
    period_after = django_filters.DateFilter(field_name="period", lookup_expr="gte")
    period_before = django_filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = OperatingData
        fields = ["customer", "period_after", "period_before"]
