from rest_framework import serializers

from core.api import ServiceViewSet

from .filtersets import CustomerFilterSet
from .models import Customer


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "code", "name", "name_en", "industry", "address", "active", "notes", "created", "updated"]


class CustomerViewSet(ServiceViewSet):
    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
