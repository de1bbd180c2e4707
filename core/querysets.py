from django.db import models

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
