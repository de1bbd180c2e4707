"""Writes to pre-sales records beyond a single row: draft SLAs from tiers, a proposal's starting text (audited)."""

from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records

from .models import ProposalLine, ProposalLineTarget

# The capacity a draft SLA agrees to: the customer's stated figures (requirement field) where given.
CAPACITY_FROM_REQUIREMENT = {"max_users": "users", "max_tickets_per_month": "tickets_per_month",
                             "max_devices": "devices"}


def capacity_for(requirement, tier) -> dict:
    """{limit: value}: what the customer asked for (users, tickets a month, devices), within the tier's ceiling; the
    tier's limit where the requirement is silent. The SLA agrees the customer's volume, not the catalogue's ceiling;
    a volume beyond the tier is offered at the tier's limit, and the fit check shows the gap."""
    capacity = {}
    for limit, asked in CAPACITY_FROM_REQUIREMENT.items():
        wanted, ceiling = getattr(requirement, asked, None), getattr(tier, limit)
        capacity[limit] = ceiling if not wanted else min(wanted, ceiling) if ceiling else wanted
    return capacity


def apply_tier(line, user):
    """Draft the line's SLA from its tier's template: levels, window and one target per priority; the capacity
    from the requirement (the tier's only where the requirement gives none).

    Used when a line is added or its tier changed; the targets are then adjusted per line.
    """
    tier = line.tier
    before = audit.snapshot(line)
    for name in ("availability_target", "rto_minutes", "rpo_minutes"):
        setattr(line, name, getattr(tier, name))
    for name, value in capacity_for(line.proposal.requirement, tier).items():
        setattr(line, name, value)
    line.service_window_id = tier.service_window_id
    line.service_id = tier.service_id
    with transaction.atomic():
        records.update(line, user, before)
        for row in list(line.priority_targets.all()):
            records.delete(row, user, _t("Replaced by the targets of %(tier)s.") % {"tier": tier})
        for target in tier.priority_targets.all():
            records.create(ProposalLineTarget(line=line, priority=target.priority,
                                              response_minutes=target.response_minutes,
                                              resolution_minutes=target.resolution_minutes,
                                              target_percent=target.target_percent), user,
                           comment=display.message(gettext_noop("Copied from %(tier)s."), tier=tier))
    return line


def add_line(proposal, tier, user, price=0, notes=""):
    """A new line at `tier` with its draft SLA copied from the tier."""
    return save_line(ProposalLine(proposal=proposal, tier=tier, price=price, notes=notes), user)


def save_line(line, user, before=None):
    """Write a proposal line (new when `before` is None); a new line, or one moved to another tier, gets its
    draft SLA from the tier."""
    with transaction.atomic():
        if before is None:
            records.create(line, user)
        else:
            records.update(line, user, before)
        if before is None or before.get("tier_id") != line.tier_id:
            apply_tier(line, user)
    return line


def environment_summary(customer) -> str:
    """A short text of the customer's current systems and recent operating figures, to start a proposal from."""
    lines = []
    items = list(customer.configuration_items.all())
    if items:
        lines.append(_t("Configuration items:"))
        for item in items:
            detail = " · ".join(part for part in (item.model_version, item.location) if part)
            suffix = f" ({detail})" if detail else ""
            lines.append(f"- {item.get_kind_display()}: {item.name} × {item.count}{suffix}")
    recent = list(customer.operating_data.all()[:3])
    if recent:
        lines.append(_t("Recent operating data:"))
        for row in recent:
            availability = f"{row.availability_percent:g}%" if row.availability_percent is not None else "—"
            lines.append(_t("- %(month)s: %(tickets)s tickets, %(incidents)s incidents (%(major)s major), "
                            "availability %(availability)s") % {
                "month": f"{row.period:%Y-%m}", "tickets": row.ticket_volume, "incidents": row.incident_count,
                "major": row.major_incident_count, "availability": availability})
    return "\n".join(lines)


def starting_environment_summary(requirement, summary=""):
    """A proposal's summary of the customer's systems as written, or, when left empty, drafted from the customer."""
    if (summary or "").strip() or requirement is None or requirement.customer is None:
        return summary or ""
    return environment_summary(requirement.customer)
