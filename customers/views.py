from core.views import RecordViews

from .filtersets import CustomerFilterSet
from .forms import CustomerForm
from .models import Customer
from .tables import CustomerTable


class CustomerViews(RecordViews):
    model = Customer
    table = CustomerTable
    filterset = CustomerFilterSet
    form = CustomerForm
    detail_fields = ("code", "name", "name_en", "industry", "address", "active", "notes")
