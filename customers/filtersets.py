import django_filters

from core.filtersets import SearchFilterSet

from .models import Customer


class CustomerFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "name_en", "industry")
    active = django_filters.BooleanFilter()

    class Meta:
        model = Customer
        fields = ["q", "active", "industry"]
