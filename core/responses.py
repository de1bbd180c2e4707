"""What a page answers after a write: a redirect htmx understands, and validation errors as messages."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.html import format_html, format_html_join


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


def error_html(exc: ValidationError):
    """The refusal as a message a page shows: the reasons, then a link to what fixes each (when it has one)."""
    text = " ".join(error_messages(exc))
    fixes = getattr(exc, "fixes", None)
    if not fixes:
        return text
    links = format_html_join(" ", '<a class="alert-link refusal-fix" href="{}">{}</a>',
                             ((fix.url, fix.label) for fix in fixes))
    return format_html("{} {}", text, links)
