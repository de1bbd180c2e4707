"""What a contract change changed: the contract's own fields, services, milestones and its SLA, side by side."""

from django.utils.translation import gettext as _t

from catalog.choices import Priority
from catalog.templatetags.catalog_tags import minutes as duration


def _show(value):
    if value is None or value == "":
        return "—"
    if hasattr(value, "as_tuple"):
        return f"{value:,.2f}" if value.as_tuple().exponent == -2 else f"{value.normalize():f}"
    if isinstance(value, bool):
        return _t("yes") if value else _t("no")
    return str(value)


def _fields(old, new, names):
    rows = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            label = str(new._meta.get_field(name).verbose_name)
            rows.append((label[:1].upper() + label[1:], _show(before), _show(after)))
    return rows


def _lines(contract):
    return sorted(f"{line.service.name} · {line.tier.name} · {line.price:,.2f}"
                  for line in contract.service_lines.select_related("service", "tier"))


def _milestones(contract):
    return sorted(f"{m.name} · {m.due_date or '—'} · {m.amount:,.2f}" for m in contract.milestones.all())


def _sets(label, before, after):
    if before == after:
        return []
    return [(label, "\n".join(before) or "—", "\n".join(after) or "—")]


CONTRACT_FIELDS = ("title", "start_date", "end_date", "value", "service_tier", "calendar", "monthly_ticket_limit",
                   "user_limit", "customer_signatory", "company_signatory", "payment_terms", "involves_procurement")
SLA_FIELDS = ("effective_from", "service_window", "availability_target", "rto_minutes", "rpo_minutes",
              "continuity", "max_tickets_per_month", "max_users", "max_devices")
MINUTE_FIELDS = {"rto_minutes", "rpo_minutes"}


def sla_changes(old, new):
    """[(label, before, after)] of two SLA versions: levels, window, capacity and every priority's targets."""
    if old is None or new is None:
        return []
    rows = []
    for name in SLA_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            label = str(new._meta.get_field(name).verbose_name)
            show = duration if name in MINUTE_FIELDS else _show
            rows.append((label[:1].upper() + label[1:], show(before), show(after)))
    old_targets, new_targets = old.targets(), new.targets()
    for priority in Priority.values:
        a, b = old_targets.get(priority), new_targets.get(priority)
        for label, getter, show in ((_t("Response target"), lambda t: t.response_seconds // 60, duration),
                                    (_t("Resolution target"), lambda t: t.resolution_seconds // 60, duration),
                                    (_t("Target achievement (%)"), lambda t: t.target_percent, lambda v: f"{v:g}")):
            before = getter(a) if a else None
            after = getter(b) if b else None
            if before != after:
                rows.append((f"{label} {priority}", show(before) if before is not None else "—",
                             show(after) if after is not None else "—"))
    return rows


def contract_changes(contract):
    """What changed from the previous version: {"contract": rows, "sla": rows}; empty for a first version."""
    old = contract.predecessor
    if old is None:
        return {}
    rows = _fields(old, contract, CONTRACT_FIELDS)
    rows += _sets(_t("Services"), _lines(old), _lines(contract))
    rows += _sets(_t("Payment milestones"), _milestones(old), _milestones(contract))
    return {"previous": old, "contract": rows, "sla": sla_changes(old.sla(), contract.sla())}
