"""What reporting adds to earlier stages' pages (registered in ReportingConfig.ready, never imported by them)."""

from django.urls import reverse

from core.extensions import register_detail_panel

from .models import profile_for
from .services.profiles import may_set_up_from_plan, plan_addresses


def plan_report_settings(plan, user):
    """For the project plan's page: the report settings its reporting section set up, and a button to set them up
    (or bring them up to date) now."""
    if not plan.project_id or not plan.project.contract_id:
        return None
    return {"profile": profile_for(plan.project.contract), "addresses": plan_addresses(plan),
            "can_set_up": may_set_up_from_plan(plan, user),
            "set_up_url": reverse("reporting:profile_from_plan", args=[plan.pk])}


def register():
    register_detail_panel("projects.projectplan", "reporting/panels/plan_report_settings.html", plan_report_settings)
