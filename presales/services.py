"""Writes to pre-sales records beyond a single row: draft SLAs from tiers, child rows, new versions (all audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _t

from core import audit, records

from .models import ProposalLine, ProposalLineTarget, RequirementSkill, RequirementTarget


def _copy_rows(rows, **parent):
    for row in rows:
        row.pk = row.id = None
        row._state.adding = True
        for name, value in parent.items():
            setattr(row, name, value)
        row.save(force_insert=True)
        audit.log_create(row, _t("Copied to the new version."))


def copy_requirement_children(old, new):
    """Copy a requirement version's rows and participants to its new version (core.records.new_version)."""
    _copy_rows(list(old.priority_targets.all()), requirement=new)
    _copy_rows(list(old.skills.all()), requirement=new)
    participants = list(old.participants.values_list("pk", flat=True))
    if participants:
        new.participants.set(participants)
        audit.record_entry("update", new, changes={"participants": [[], sorted(participants)]},
                           snap=audit.snapshot(new))


def copy_proposal_children(old, new):
    for line in old.lines.prefetch_related("priority_targets"):
        targets = list(line.priority_targets.all())
        _copy_rows([line], proposal=new)
        _copy_rows(targets, line=line)


def apply_tier(line, user):
    """Draft the line's SLA from its tier's template: levels, capacity, window and one target per priority.

    Used when a line is added or its tier changed; the targets are then adjusted per line.
    """
    tier = line.tier
    before = audit.snapshot(line)
    for name in ("availability_target", "rto_minutes", "rpo_minutes", "max_tickets_per_month", "max_users",
                 "max_devices"):
        setattr(line, name, getattr(tier, name))
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
                           comment=_t("Copied from %(tier)s.") % {"tier": tier})
    return line


def add_line(proposal, tier, user, price=0, notes=""):
    """A new line at `tier` with its draft SLA copied from the tier."""
    with transaction.atomic():
        line = records.create(ProposalLine(proposal=proposal, tier=tier, price=price, notes=notes), user)
        return apply_tier(line, user)


CHILD_RELATIONS = {
    "priority_targets": (RequirementTarget, ("priority",)),
    "skills": (RequirementSkill, ("skill", "level")),
}
LINE_TARGETS = (ProposalLineTarget, ("priority",))


def replace_rows(parent, parent_field, related_name, model, key_fields, rows, user):
    """Make the parent's rows of one relation equal `rows` (dicts), matched by key: each write audited.

    Used by the API, where a client sends the whole list.
    """
    with transaction.atomic():
        current = {tuple(getattr(r, f) for f in key_fields): r for r in getattr(parent, related_name).all()}
        wanted = {}
        for data in rows:
            key = tuple(data.get(f) for f in key_fields)
            if key in wanted:
                raise ValidationError({related_name: _t("%(key)s is listed twice.")
                                       % {"key": " / ".join(map(str, key))}})
            wanted[key] = data
        for key, row in current.items():
            if key not in wanted:
                records.delete(row, user)
        for key, data in wanted.items():
            row = current.get(key)
            if row is None:
                records.create(model(**{parent_field: parent}, **data), user)
                continue
            before = audit.snapshot(row)
            for name, value in data.items():
                setattr(row, name, value)
            if audit.diff(before, audit.snapshot(row)):
                records.update(row, user, before)


def set_participants(requirement, user, participants):
    before = sorted(requirement.participants.values_list("pk", flat=True))
    requirement.participants.set(participants)
    after = sorted(requirement.participants.values_list("pk", flat=True))
    if before != after:
        audit.record_entry("update", requirement, user=user, changes={"participants": [before, after]},
                           snap=audit.snapshot(requirement))


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


def delete_with_rows(instance, user, comment=""):
    """Delete a draft requirement or proposal; core.records.delete audits each row that cascades with it."""
    records.delete(instance, user, comment)
