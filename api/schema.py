"""The OpenAPI schema and its docs: for signed-in users (session or token) unless SERVPLAN_PUBLIC_API_SCHEMA.

The schema is generated once per deployment: generating it reads every endpoint (a second or two) and rendering it
as YAML takes as long again, and it changes only with the code. The rendered file is kept in the Django cache
(Redis when scaled out, so every app instance shares it), keyed by the code's fingerprint (`code_version`), the
language (descriptions are translated), the API version and the format; the schema itself is also memoised per
process. The first call after a deployment builds it.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

CACHE_SECONDS = 30 * 24 * 3600  # a new deployment changes the key; the old entries simply age out
_fingerprint = None


def code_version() -> str:
    """A fingerprint of what the schema is generated from: the project's Python sources and the API settings
    (SERVPLAN_CODE_VERSION, when a deployment sets it, instead of reading the sources)."""
    global _fingerprint
    if _fingerprint is None:
        import os

        digest = hashlib.sha256()
        if explicit := os.environ.get("SERVPLAN_CODE_VERSION"):
            digest.update(explicit.encode())
        else:
            from core.apps import project_apps

            roots = sorted({Path(config.path) for config in project_apps()} | {Path(settings.BASE_DIR) / "servplan"})
            for root in roots:
                for source in sorted(root.rglob("*.py")):
                    if "tests" in source.relative_to(root).parts or "migrations" in source.relative_to(root).parts:
                        continue
                    digest.update(str(source.relative_to(settings.BASE_DIR)).encode())
                    digest.update(source.read_bytes())
        digest.update(json.dumps([settings.SPECTACULAR_SETTINGS, settings.REST_FRAMEWORK, settings.LANGUAGES],
                                 sort_keys=True, default=str).encode())
        _fingerprint = digest.hexdigest()[:16]
    return _fingerprint


class SchemaReaders(BasePermission):
    def has_permission(self, request, view):
        return settings.SERVPLAN_PUBLIC_API_SCHEMA or bool(request.user and request.user.is_authenticated)


class SchemaView(SpectacularAPIView):
    permission_classes = [SchemaReaders]
    generated = {}  # (language, API version) -> schema, in front of the shared cache

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer, media_type = self.perform_content_negotiation(request, force=True)
        key = f"servplan:api-schema:{code_version()}:{translation.get_language()}:{version}:{renderer.format}"
        content = cache.get(key)
        if content is None:
            schema = self.schema_for_language(version, request)
            content = renderer.render(schema, media_type, self.get_renderer_context())
            cache.set(key, content, CACHE_SECONDS)
        charset = f"; charset={renderer.charset}" if renderer.charset else ""
        response = HttpResponse(content, content_type=f"{renderer.media_type}{charset}")
        response["Content-Disposition"] = f'inline; filename="{self._get_filename(request, version)}"'
        return response

    @classmethod
    def schema_for_language(cls, version=None, request=None):
        """The schema in the active language: from this process, else the shared cache, else generated now."""
        language = translation.get_language()
        memo = (language, version)
        if memo not in cls.generated:
            key = f"servplan:api-schema:{code_version()}:{language}:{version}:dict"
            schema = cache.get(key)
            if schema is None:
                generator = cls.generator_class(urlconf=cls.urlconf, api_version=version, patterns=cls.patterns)
                schema = generator.get_schema(request=request, public=cls.serve_public)
                cache.set(key, schema, CACHE_SECONDS)
            cls.generated[memo] = schema
        return cls.generated[memo]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI; a visitor who is not signed in is sent to the sign-in page and back."""

    permission_classes = [SchemaReaders]

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
