"""Contract, SLA and contract review record as printable documents (body sections; core.exporting adds the
header block with 文件编号/版本/密级, the revision history and the 编制/审核/批准 lines)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _t

from core.exports import Section, Table
from presales.exports import sla_tables

from . import review as review_rule
from .diff import contract_changes, sla_changes


def _money(value):
    return f"{value:,.2f}"


def _parties(contract):
    return Table([_t("Party"), _t("Name"), _t("Signatory")], [
        [_t("Customer (Party A)"), str(contract.customer), contract.customer_signatory],
        [_t("Provider (Party B)"), settings.SERVPLAN_COMPANY_NAME, contract.company_signatory],
    ], caption=_t("Parties"))


def _changes_section(rows, heading):
    if not rows:
        return []
    return [Section(heading, tables=[Table([_t("Item"), _t("Before"), _t("After")], [list(r) for r in rows])])]


def contract_sections(contract, language):
    with translation.override(language):
        term = Table([_t("Item"), _t("Value")], [
            [_t("Contract value (CNY)"), _money(contract.value)],
            [_t("Term"), f"{contract.start_date} – {contract.end_date}"],
            [_t("Pre-sales proposal"), str(contract.proposal or "—")],
            [_t("Involves procurement"), _t("yes") if contract.involves_procurement else _t("no")],
            [_t("Signed on"), str(contract.signed_on or "—")],
        ])
        services = Table([_t("Service"), _t("Tier"), _t("Price (CNY per year)"), _t("Notes")],
                         [[s.service.name, s.tier.name, _money(s.price), s.notes]
                          for s in contract.service_lines.select_related("service", "tier")])
        milestones = Table([_t("Milestone"), _t("Due date"), _t("Amount (CNY)"), _t("Payment condition")],
                           [[m.name, m.due_date, _money(m.amount), m.condition] for m in contract.milestones.all()])
        sections = [Section(_t("Parties and term"), tables=[_parties(contract), term]),
                    Section(_t("Services and prices"), tables=[services] if services.rows else [])]
        sections.append(Section(_t("Payment"), [p for p in contract.payment_terms.splitlines() if p.strip()],
                                tables=[milestones] if milestones.rows else []))
        sla = contract.sla()
        if sla is not None:
            sections.append(Section(_t("Service level agreement"), [
                f"{sla.number} V{sla.version} · {sla.get_status_display()} · " + _t("effective from") + f" "
                f"{sla.effective_from}"], tables=sla_tables(sla)))
        changes = contract_changes(contract)
        if changes:
            heading = _t("Changes from version %(v)s") % {"v": changes["previous"].version}
            sections += _changes_section(changes["contract"] + changes["sla"], heading)
        return sections


def sla_sections(sla, language):
    with translation.override(language):
        contract = sla.contract
        overview = Section(_t("Agreement"), [
            _t("Service contract") + f": {contract.number} V{contract.version} {contract.title}",
            _t("Effective from") + f": {sla.effective_from}",
            _t("Drafted from tier") + f": {sla.source_tier}",
            _t("Signed on") + f": {sla.signed_on or '—'}",
        ], tables=[_parties(contract)])
        services = Table([_t("Service"), _t("Tier")], [[s.service.name, s.tier.name] for s in
                                                       contract.service_lines.select_related("service", "tier")],
                         caption=_t("Services covered"))
        sections = [overview, Section(_t("Services covered"), tables=[services] if services.rows else []),
                    Section(_t("Service levels"), tables=sla_tables(sla))]
        if sla.continuity:
            sections.append(Section(_t("Continuity arrangements"), [p for p in sla.continuity.splitlines()
                                                                     if p.strip()]))
        if sla.predecessor_id:
            heading = _t("Changes from version %(v)s") % {"v": sla.predecessor.version}
            sections += _changes_section(sla_changes(sla.predecessor, sla), heading)
        return sections


def review_sections(review, language):
    with translation.override(language):
        contract = review.contract
        outcome = review_rule.outcome(review)
        info = Table([_t("Item"), _t("Value")], [
            [_t("Service contract"), f"{contract.number} V{contract.version} {contract.title}"],
            [_t("Customer"), str(contract.customer)],
            [_t("Contract value (CNY)"), _money(contract.value)],
            [_t("Term"), f"{contract.start_date} – {contract.end_date}"],
            [_t("Pre-sales proposal"), str(contract.proposal or "—")],
            [_t("Involves procurement"), _t("yes") if contract.involves_procurement else _t("no")],
            [_t("Required departments"), ", ".join(map(str, outcome.required))],
            [_t("Result"), _t("passed") if outcome.passed else " ".join(outcome.reasons())],
        ], caption=_t("Contract under review"))
        opinions = Table([_t("Department"), _t("Verdict"), _t("Opinion"), _t("Signed by"), _t("Date")],
                         [[str(o.department), o.get_verdict_display() or _t("pending"), o.comment,
                           str(o.signer or ""), o.signed_on] for o in review.opinions.select_related("department",
                                                                                                   "signer")],
                         caption=_t("Opinions of the departments"), widths=[3, 3, 10, 2.5, 2.5])
        bases = [f"{o.department}: {o.basis}" for o in review.opinions.all() if o.basis]
        sections = [Section(_t("Contract under review"), tables=[info]),
                    Section(_t("Review opinions"), bases, tables=[opinions])]
        if review.conclusion:
            sections.append(Section(_t("Conclusion"), [p for p in review.conclusion.splitlines() if p.strip()]))
        return sections
