from core.forms import ModelForm

from .models import Customer


class CustomerForm(ModelForm):
    class Meta:
        model = Customer
        fields = ["code", "name", "name_en", "industry", "address", "active", "notes"]
