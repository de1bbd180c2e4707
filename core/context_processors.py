"""Navigation follows the procedure's stages: 售前 → 合同 → 策划 → 实施 → 监控/改进.

An app adds its pages to a stage with `core.navigation.add(stage, label, url_name, model_label, roles)`; the
header shows the pages the reader's roles use day to day, and "More" the rest they may open.
A stage with no pages yet lists its SPEC record types, each opening the
register filtered to that type.
"""

from django.urls import reverse

from .navigation import STAGES, menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    from .roles import is_outside

    daily, more = menu_for(user)
    return {"nav_stages": daily, "nav_more": more, "nav_stage_defs": STAGES, "register_url": reverse("core:register"),
            "nav_outside": is_outside(user)}
