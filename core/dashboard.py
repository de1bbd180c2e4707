"""The home dashboard: what waits for the signed-in user."""

from django.db.models import Q

from .choices import RecordStatus
from .models import RecordIndex
from .permissions import roles_for
from .registry import registry


def approvable_types(user):
    """Record type codes whose approve/return transitions the user (or a delegator) holds."""
    roles = set(user.own_roles) | set(user.delegated_roles)
    codes = []
    for record_type in registry:
        if record_type.implemented and roles & (roles_for(record_type.model_label, "approve")
                                                | roles_for(record_type.model_label, "return")):
            codes.append(record_type.code)
    return codes


# Extra dashboard panels registered by apps (`register_panel`): a panel is a callable (user) -> dict with at
# least "template" (included in core/home.html with the dict as `panel`), or None to show nothing.
PANELS = []


def register_panel(builder):
    if builder not in PANELS:
        PANELS.append(builder)
    return builder


def extra_panels(user):
    return [panel for panel in (builder(user) for builder in PANELS) if panel]


def dashboard_for(user):
    pending = RecordIndex.objects.filter(status=RecordStatus.IN_REVIEW, record_type__in=approvable_types(user)) \
        .exclude(author=user).select_related("department", "author", "customer")[:50]
    mine = RecordIndex.objects.filter(author=user, is_latest=True) \
        .filter(Q(status=RecordStatus.DRAFT) | Q(status=RecordStatus.RETURNED) | Q(status=RecordStatus.IN_REVIEW)) \
        .select_related("department", "customer")[:50]
    types = {t.code: t for t in registry}
    for row in list(pending) + list(mine):
        row.type_label = types[row.record_type].label
    return {"pending_approvals": pending, "my_open_records": mine, "delegated_roles": user.delegated_roles,
            "extra_panels": extra_panels(user)}
