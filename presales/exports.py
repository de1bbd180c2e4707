"""Service requirement and pre-sales proposal as printable documents (body sections; core.exporting adds the
header block, revision history and 编制/审核/批准 lines)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from catalog.templatetags.catalog_tags import minutes as duration
from core.exports import Section, Table

from . import fitcheck


def _text_sections(pairs):
    return [Section(str(title), [p for p in text.splitlines() if p.strip()]) for title, text in pairs if text]


def _or_dash(value, suffix=""):
    return "—" if value in (None, "") else f"{value:g}{suffix}" if hasattr(value, "as_tuple") else f"{value}{suffix}"


def requirement_levels(requirement):
    rows = [
        [_t("Required service hours"), str(requirement.service_window or "—")],
        [_t("Availability (%)"), _or_dash(requirement.availability_percent)],
        [_t("RTO"), duration(requirement.rto_minutes)],
        [_t("RPO"), duration(requirement.rpo_minutes)],
        [_t("Users"), _or_dash(requirement.users)],
        [_t("Devices"), _or_dash(requirement.devices)],
        [_t("Tickets per month"), _or_dash(requirement.tickets_per_month)],
    ]
    return Table([_t("Item"), _t("Requirement")], rows, caption=_t("Service level and capacity requirements"))


def requirement_sections(requirement, language):
    with translation.override(language):
        overview = Section(_t("Requirement"), [
            _t("Kind") + f": {requirement.get_kind_display()}",
            *([_t("Contract to change") + f": {requirement.contract}"] if requirement.contract_id else []),
            _t("Participants") + ": " + ", ".join(f"{u} ({u.department or '—'})"
                                                  for u in requirement.participants.select_related("department")),
        ])
        sections = [overview, *_text_sections([
            (_t("Goals"), requirement.goals), (_t("Scope"), requirement.scope),
            (_t("Requirements"), requirement.requirements), (_t("Strategy"), requirement.strategy),
            (_t("Delivery approach"), requirement.delivery_approach),
            (_t("Impact of technology developments"), requirement.impact_technology),
            (_t("Impact of regulation or standard updates"), requirement.impact_regulation),
            (_t("Impact of user-environment changes"), requirement.impact_user_environment),
            (_t("Continuity requirements"), requirement.continuity_notes)])]
        targets = Table([_t("Priority"), _t("Response within"), _t("Resolution within")],
                        [[t.get_priority_display(), duration(t.response_minutes), duration(t.resolution_minutes)]
                         for t in requirement.priority_targets.all()],
                        caption=_t("Required response and resolution times (business time)"))
        skills = Table([_t("Skill"), _t("Level"), _t("Headcount")],
                       [[s.skill, s.get_level_display(), s.headcount] for s in requirement.skills.all()],
                       caption=_t("Required staff skills"))
        sections.append(Section(_t("Service requirements"),
                                tables=[t for t in (targets, requirement_levels(requirement), skills) if t.rows]))
        return sections


def environment_tables(customer):
    items = Table([_t("Kind"), _t("Name"), _t("Model / version"), _t("Count"), _t("Location")],
                  [[i.get_kind_display(), i.name, i.model_version, i.count, i.location]
                   for i in customer.configuration_items.all()], caption=_t("Configuration items"))
    operating = Table([_t("Month"), _t("Tickets"), _t("Incidents"), _t("Major incidents"), _t("Availability (%)")],
                      [[f"{o.period:%Y-%m}", o.ticket_volume, o.incident_count, o.major_incident_count,
                        _or_dash(o.availability_percent)] for o in customer.operating_data.all()[:12]],
                      caption=_t("Operating data"))
    return [t for t in (items, operating) if t.rows]


def sla_tables(sla, caption_prefix=""):
    """Targets and levels of a draft or signed SLA (a proposal line, a contract SLA, a tier)."""
    targets = Table([_t("Priority"), _t("Response target"), _t("Resolution target"), _t("Target achievement (%)")],
                    [[t.get_priority_display(), duration(t.response_minutes), duration(t.resolution_minutes),
                      f"{t.target_percent:g}"] for t in sla.priority_targets.all()],
                    caption=caption_prefix + _t("Targets per priority (business time in the service window)"))
    levels = Table([_t("Item"), _t("Target / limit")], [
        [_t("Service window"), str(sla.service_window)],
        [_t("Availability target (%)"), f"{sla.availability_target:g}"],
        [_t("RTO"), duration(sla.rto_minutes)],
        [_t("RPO"), duration(sla.rpo_minutes)],
        [_t("Tickets per month"), sla.max_tickets_per_month if sla.max_tickets_per_month is not None
         else _t("no limit")],
        [_t("Users"), sla.max_users if sla.max_users is not None else _t("no limit")],
        [_t("Devices"), sla.max_devices if sla.max_devices is not None else _t("no limit")],
    ], caption=caption_prefix + _t("Availability, continuity and capacity"))
    return [targets, levels]


def fit_check_tables(proposal):
    shown = fitcheck.display(proposal.fit_check)
    if not shown:
        return [], [_t("The fit check has not been run.")]
    yes, no = _t("meets"), _t("does not meet")
    tables = [Table([_t("Item"), _t("Required"), _t("Offered"), _t("Result")],
                    [[r["label"], r["required"], r["offered"], yes if r["meets"] else no] for r in line["rows"]],
                    caption=f"{line['service']} · {line['tier']}") for line in shown["lines"]]
    if shown["staff"]:
        tables.append(Table([_t("Skill"), _t("Level"), _t("Headcount needed"), _t("Available (FTE)"), _t("Staff"),
                             _t("Result")],
                            [[s["skill"], s["level_label"], s["needed"], f"{s['available']:g}", s["staff_text"],
                              yes if s["meets"] else no] for s in shown["staff"]],
                            caption=_t("Staff skills and capacity")))
    checked = timezone.localtime(proposal.fit_checked_at).strftime("%Y-%m-%d %H:%M") if proposal.fit_checked_at else ""
    summary = _t("%(n)s item(s) not met; computed at %(at)s.") % {"n": shown["misses"], "at": checked}
    return tables, [summary]


def proposal_sections(proposal, language):
    with translation.override(language):
        requirement = proposal.requirement
        sections = [Section(_t("Customer and requirement"), [
            _t("Customer") + f": {proposal.customer}",
            _t("Service requirement") + f": {requirement.number} V{requirement.version} {requirement.title}",
            _t("Kind") + f": {requirement.get_kind_display()}",
            *[f"{label}: {text}" for label, text in ((_t("Goals"), requirement.goals), (_t("Scope"), requirement.scope))
              if text],
        ], tables=[t for t in (requirement_levels(requirement),) if t.rows])]
        sections.append(Section(_t("Customer's current IT environment"),
                                [p for p in proposal.environment_summary.splitlines() if p.strip()],
                                tables=environment_tables(proposal.customer)))
        sections += _text_sections([(_t("Service solution"), proposal.solution),
                                    (_t("Service capability"), proposal.capability)])
        lines = list(proposal.lines.select_related("service", "tier", "service_window")
                     .prefetch_related("priority_targets"))
        price_rows = [[line.service.name, line.tier.name, str(line.service_window), f"{line.price:,.2f}", line.notes]
                      for line in lines]
        price_rows.append([_t("Total"), "", "", f"{sum(line.price for line in lines):,.2f}", ""])
        sections.append(Section(_t("Services and prices"),
                                [p for p in proposal.price_notes.splitlines() if p.strip()],
                                tables=[Table([_t("Service"), _t("Tier"), _t("Service window"),
                                               _t("Price (CNY per year)"), _t("Notes")], price_rows)]))
        for line in lines:
            sections.append(Section(_t("Draft SLA: %(line)s") % {"line": line}, tables=sla_tables(line), level=2))
        tables, paragraphs = fit_check_tables(proposal)
        sections.append(Section(_t("Fit check"), paragraphs, tables=tables))
        sections += _text_sections([(_t("Risks and assumptions"), proposal.risks)])
        return sections
