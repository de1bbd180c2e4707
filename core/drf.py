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
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .middleware import bind_actor
from .permissions import allowed
from .roles import ACCESS_ENDED, is_outside, may_sign_in

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
        if not may_sign_in(user):  # a time-limited access has ended: its tokens end with it
            raise exceptions.AuthenticationFailed(ACCESS_ENDED)
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
    """limit/offset paging with a ceiling, a cursor mode for deep reading, and a count that never scans a large table.

    A limit outside 1..max_limit or a bad offset is a 400, never a 500: without a ceiling one request could fetch
    every ticket; an offset beyond a 64-bit integer breaks the database. `?cursor=` (empty for the first page) pages
    by the ordering's values instead of an offset (core.pagination): `next`/`previous` carry the cursor, and a
    cursor that is forged or stale gives the first page. `count` is exact up to core.pagination.COUNT_CAP rows and
    estimated above it, which `count_is_estimate` says.
    """

    max_limit = 500
    max_offset = 10**9
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        from .pagination import count_rows, decode_cursor, in_order, keyset_ordering, read_window

        self.request = request
        self.limit = self.get_limit(request)
        self.row_count = count_rows(queryset)
        self.count = self.row_count.value
        self.fields = keyset_ordering(queryset)
        if self.fields is not None:  # ties settled by the key, so offsets and cursors agree on one order
            queryset = in_order(queryset, self.fields)
        self.cursor_mode = self.cursor_query_param in request.query_params and self.fields is not None
        self.next_cursor = self.previous_cursor = None
        if self.cursor_mode:
            decoded = decode_cursor(request.query_params.get(self.cursor_query_param), queryset, self.fields)
            if decoded is not None:
                window = read_window(queryset, self.fields, *decoded, self.limit)
                if not window.at_start:
                    self.next_cursor, self.previous_cursor = window.next_cursor, window.previous_cursor
                    return window.rows
            self.offset = 0
        else:
            self.offset = self.get_offset(request)
        rows = list(queryset[self.offset:self.offset + self.limit + 1])
        self.more, rows = len(rows) > self.limit, rows[:self.limit]
        if self.cursor_mode and self.more:
            from .pagination import AFTER, encode_cursor, row_values

            self.next_cursor = encode_cursor(AFTER, self.fields, row_values(rows[-1], self.fields))
        return rows

    def get_paginated_response(self, data):
        return Response({"count": self.count, "count_is_estimate": self.row_count.is_estimate,
                         "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self):
        if self.cursor_mode:
            return self._cursor_link(self.next_cursor)
        if not self.more:
            return None
        url = replace_query_param(self.request.build_absolute_uri(), self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_previous_link(self):
        if self.cursor_mode:
            return self._cursor_link(self.previous_cursor)
        return super().get_previous_link()

    def _cursor_link(self, cursor):
        if cursor is None:
            return None
        url = replace_query_param(self.request.build_absolute_uri(), self.limit_query_param, self.limit)
        return replace_query_param(remove_query_param(url, self.offset_query_param), self.cursor_query_param, cursor)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_is_estimate", "results"]
        response["properties"]["count_is_estimate"] = {
            "type": "boolean", "description": "True when count is the database's estimate (a large result)."}
        return response

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": self.cursor_query_param, "required": False, "in": "query",
            "description": "Page by cursor: empty for the first page, then the value in next/previous.",
            "schema": {"type": "string"}}]

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
