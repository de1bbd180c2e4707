"""What a page answers after a write: a redirect htmx understands, and validation errors as messages."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect


def hx_redirect(request, url):
    """After a save: htmx gets HX-Location, a plain browser a redirect."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return HttpResponseRedirect(url)


def error_messages(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" if field != "__all__" else str(m)
                for field, errs in exc.message_dict.items() for m in errs]
    return exc.messages
