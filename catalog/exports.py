"""The service tier (SLA template) as a printable document: its targets as tables."""

from django.utils import translation
from django.utils.translation import gettext as _t

from core.exports import Section, Table

from .templatetags.catalog_tags import minutes as duration


def _minutes(value):
    return duration(value)


def tier_sections(tier, language):
    with translation.override(language):
        window = tier.service_window
        overview = Section(_t("Service and service window"), [
            _t("Service") + f": {tier.service} ({tier.service.family})",
            _t("Tier") + f": {tier.name}",
            _t("Service window") + f": {window} ({window.time_zone})",
            *([tier.description] if tier.description else []),
        ])
        targets = Table(
            [_t("Priority"), _t("Response target"), _t("Resolution target"), _t("Target achievement (%)")],
            [[t.get_priority_display(), _minutes(t.response_minutes), _minutes(t.resolution_minutes),
              f"{t.target_percent:g}"] for t in tier.priority_targets.all()],
            caption=_t("Targets per priority (business minutes in the service window)"))
        levels = Table([_t("Item"), _t("Target / limit")], [
            [_t("Availability target (%)"), f"{tier.availability_target:g}"],
            [_t("RTO"), _minutes(tier.rto_minutes)],
            [_t("RPO"), _minutes(tier.rpo_minutes)],
            [_t("Tickets per month"), tier.max_tickets_per_month if tier.max_tickets_per_month is not None
             else _t("no limit")],
            [_t("Users"), tier.max_users if tier.max_users is not None else _t("no limit")],
            [_t("Devices"), tier.max_devices if tier.max_devices is not None else _t("no limit")],
        ], caption=_t("Availability, continuity and capacity"))
        skills = Table([_t("Skill"), _t("Level"), _t("Headcount")],
                       [[s.skill, s.get_level_display(), s.headcount] for s in tier.skills.all()],
                       caption=_t("Staff skill requirements"))
        return [
            overview,
            Section(_t("Targets per priority"), tables=[targets]),
            Section(_t("Availability, continuity and capacity"), tables=[levels]),
            Section(_t("Staff skill requirements"), tables=[skills] if skills.rows else [],
                    paragraphs=[] if skills.rows else [_t("None listed.")]),
        ]
