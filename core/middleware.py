import uuid

from django.conf import settings

from . import context


def client_ip(request):
    # Behind a TLS proxy (SERVPLAN_HTTPS) the proxy passes the client in X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if settings.SERVPLAN_HTTPS else None
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")) or None


def bind_actor(request, user):
    """Make `user` the actor of the audit entries written for this request."""
    actor = context.current()
    context.set_current(context.Actor(user, actor.request_id, actor.ip))


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and binds the actor for the audit service.

    Placed after AuthenticationMiddleware; the API binds token-authenticated users itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        token = context.set_current(context.Actor(getattr(request, "user", None), request.id, client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.id
        return response


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
