"""An /api/ address that matches no endpoint is answered as the API answers a missing record: JSON, not a page."""

from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound

API_PREFIX = "/api/"


def not_found(request, exception):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
