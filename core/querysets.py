from django.db import models


class RestrictedQuerySet(models.QuerySet):
    """`restrict(user, action)`: the only way views and API viewsets fetch rows."""

    def restrict(self, user, action="view"):
        from .permissions import allowed

        if not allowed(user, self.model, action):
            return self.none()
        row_filter = getattr(self.model, "restrict_rows", None)
        return row_filter(self, user, action) if row_filter else self
