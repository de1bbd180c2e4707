"""The OpenAPI schema and its docs: for signed-in users (session or token) unless SERVPLAN_PUBLIC_API_SCHEMA.

The schema is generated once per language and process: generating it reads every endpoint (a second or two),
and it changes only with the code.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.response import Response


class SchemaReaders(BasePermission):
    def has_permission(self, request, view):
        return settings.SERVPLAN_PUBLIC_API_SCHEMA or bool(request.user and request.user.is_authenticated)


class SchemaView(SpectacularAPIView):
    permission_classes = [SchemaReaders]
    generated = {}  # (language, API version) -> schema

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        return Response(self.schema_for_language(version, request), headers={
            "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})

    @classmethod
    def schema_for_language(cls, version=None, request=None):
        """The schema in the active language, generated on first use."""
        key = (translation.get_language(), version)
        if key not in cls.generated:
            generator = cls.generator_class(urlconf=cls.urlconf, api_version=version, patterns=cls.patterns)
            cls.generated[key] = generator.get_schema(request=request, public=cls.serve_public)
        return cls.generated[key]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI; a visitor who is not signed in is sent to the sign-in page and back."""

    permission_classes = [SchemaReaders]

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
