"""DRF glue kept free of rest_framework.views imports (DRF loads these from settings)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from .middleware import bind_actor
from .permissions import allowed
from .roles import is_outside

ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change", "PATCH": "change",
           "DELETE": "delete"}


def token_expired(token) -> bool:
    return token.created < timezone.now() - timedelta(hours=settings.SERVPLAN_API_TOKEN_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than SERVPLAN_API_TOKEN_HOURS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_t("The token has expired; ask for a new one (POST /api/token/)."))
        return user, token


class MatrixPermission(permissions.BasePermission):
    """The permission matrix applied to API calls (transitions are checked by the workflow engine)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        bind_actor(request, request.user)
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        if allowed(request.user, model, self.action(request, view)):
            return True
        if is_outside(request.user) and not self.visible(request.user, model, view):
            # A customer contact: what is not shared with them does not exist for them, as on the pages.
            raise exceptions.NotFound()
        return False

    @staticmethod
    def visible(user, model, view):
        """Whether the user reads the model, and the object the route names (if it names one)."""
        if not allowed(user, model, "view"):
            return False
        pk = getattr(view, "kwargs", {}).get("pk")
        if pk is None:
            return True
        try:
            return model.objects.restrict(user, "view").filter(pk=pk).exists()
        except (ValueError, DjangoValidationError):
            return False

    def has_object_permission(self, request, view, obj):
        """The same for the object, its scope included (a project role acts only inside its own projects). An
        action of the record's own (an opinion, a status) needs the object within reach; its service checks the
        rest, as the workflow engine does for transitions."""
        standard = getattr(view, "action", None) in {"retrieve", "update", "partial_update", "destroy", None}
        return allowed(request.user, obj, self.action(request, view) if standard else "view")

    @staticmethod
    def action(request, view):
        # Transitions and new versions: the workflow engine and core.records check the rest. A viewset's own route
        # may name the matrix action it needs (`action_permissions = {"track": "change"}`).
        name = getattr(view, "action", None)
        if name in {"transition", "new_version"}:
            return "view"
        return getattr(view, "action_permissions", {}).get(name) or ACTIONS.get(request.method, "view")


def exception_handler(exc, context):
    from .workflow import TransitionConflict

    if isinstance(exc, TransitionConflict):
        return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        fixes = getattr(exc, "fixes", None)
        if fixes:
            # A refusal links to what fixes it: {message, label, url} (the page shows the same links).
            return Response({**detail, "fixes": [fix.as_dict() for fix in fixes]}, status=status.HTTP_400_BAD_REQUEST)
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


class BoundedPagination(LimitOffsetPagination):
    """limit/offset paging with a ceiling: a limit outside 1..max_limit or a bad offset is a 400, never a 500.

    Without a ceiling one request could fetch every ticket; an offset beyond a 64-bit integer breaks the database.
    """

    max_limit = 500
    max_offset = 10**9

    def get_limit(self, request):
        return bounded_int(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return bounded_int(request, self.offset_query_param, 0, self.max_offset, 0)


def bounded_int(request, name, low, high, default):
    """A whole-number query parameter: the default when absent, a 400 naming it when not a number in low..high."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise exceptions.ValidationError({name: [_t("A whole number from %(low)s to %(high)s.") % {
            "low": low, "high": high}]})
    return value
