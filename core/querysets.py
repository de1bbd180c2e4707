from django.db import models
from django.db.models import Exists, OuterRef

from . import scopes
from .permissions import granting


class RestrictedQuerySet(models.QuerySet):
    """`restrict(user, action)`: the only way views and API viewsets fetch rows."""

    def restrict(self, user, action="view"):
        """The rows the matrix lets the user do `action` to, within the user's reach (core.scopes)."""
        roles = granting(user, self.model, action)
        if not roles:
            return self.none()
        row_filter = getattr(self.model, "restrict_rows", None)
        return scopes.within(row_filter(self, user, action) if row_filter else self, user, roles)

    def latest_versions(self):
        """Of controlled records, only the latest version of each number (whatever its state)."""
        later = self.model._base_manager.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
        return self.filter(~Exists(later))
