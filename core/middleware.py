import re
import uuid

from django.conf import settings

from . import context, logs

# An id the proxy in front (nginx's $request_id) or a caller gives is kept when it looks like one: letters, digits
# and . _ : - only, so it can be written as it is to logs and audit entries.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


def client_ip(request):
    # Behind a TLS proxy (SERVPLAN_HTTPS) the proxy passes the client in X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if settings.SERVPLAN_HTTPS else None
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")) or None


def bind_actor(request, user):
    """Make `user` the actor of the audit entries written for this request."""
    actor = context.current()
    context.set_current(context.Actor(user, actor.request_id, actor.ip))


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and binds the actor for the audit service, and the id,
    method, path and view (the url name) for the log lines written while it is served (core.logs).

    The id is the request's X-Request-ID when it has a valid one (nginx sets $request_id), else a new one.
    Placed after AuthenticationMiddleware; the API binds token-authenticated users itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_of(request)
        token = context.set_current(context.Actor(getattr(request, "user", None), request.id, client_ip(request)))
        fields = logs.bind(request_id=request.id, method=request.method, path=request.path)
        try:
            response = self.get_response(request)
        finally:
            logs.unbind(fields)
            context.reset(token)
        response["X-Request-ID"] = request.id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        logs.bind(view=request.resolver_match.view_name)  # undone with the request's own fields in __call__


def request_id_of(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class UserPreferencesMiddleware:
    """Shows each page in the reader's zone, and in their language when they chose one (My settings).

    Placed after AuthenticationMiddleware (and LocaleMiddleware, which it overrides for a chosen language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import timezone, translation

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if getattr(user, "language", ""):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        timezone.activate(context.zone_of(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.SERVPLAN_CSP)
        return response


# ---- the customer's pages: a person of the customer's organisation sees only what is made for them --------------

# Django's own pages everyone signed in uses (sign out, password, language, the translation catalogue), and the
# API token (a customer's system may act through the API too).
OUTSIDE_URL_NAMES = frozenset({"login", "logout", "password_change", "set_language", "javascript-catalog",
                               "api-token"})


def customer_facing(view):
    """Mark a view (a function, a class-based view or an API viewset) as one a customer contact may open. Such a
    view still fetches through `restrict()`, so the matrix and the customer's scope (core.scopes) decide what it
    shows. A class says the same with `customer_facing = True`."""
    view.customer_facing = True
    return view


def is_customer_facing(view_func) -> bool:
    if getattr(view_func, "customer_facing", False):
        return True
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    return bool(getattr(view_class, "customer_facing", False))


class OutsidePagesMiddleware:
    """A customer contact (core.roles.is_outside) reaches only the pages and API viewsets made for them
    (`customer_facing`; there the matrix and the customer's scope decide) and Django's sign-out/password/language
    pages; every other page or API route is a 404, as if it did not exist. The company's home page sends them to
    their own home.

    Placed after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.http import Http404
        from django.shortcuts import redirect

        from .roles import is_outside

        if not is_outside(getattr(request, "user", None)):
            return None
        match = request.resolver_match
        if is_customer_facing(view_func) or (match and match.url_name in OUTSIDE_URL_NAMES):
            return None
        if match and match.view_name == "core:home":
            return redirect(settings.SERVPLAN_OUTSIDE_HOME)
        raise Http404
