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


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _planned(text):
    """A planned signatory as written on the contract, e.g. "林国栋（信息中心主任）"."""
    return text or "—"


def _parties(contract):
    """Party A (the customer) and Party B (the provider): name, address and representative."""
    customer = contract.customer
    contact = customer.contacts.order_by("-primary", "name").first()
    representative = contract.customer_signatory or (f"{contact.name}（{contact.job_title}）" if contact and
                                                     contact.job_title else str(contact or ""))
    return Table([_t("Party"), _t("Name"), _t("Address"), _t("Representative")], [
        [_t("Customer (Party A)"), str(customer), customer.address or "—", _planned(representative)],
        [_t("Provider (Party B)"), settings.SERVPLAN_COMPANY_NAME,
         getattr(settings, "SERVPLAN_COMPANY_ADDRESS", "") or "—", _planned(contract.company_signatory)],
    ], caption=_t("Parties"))


def _signatories(contract):
    """Who signed for each party, with title and date, as captured when the contract was signed; blank lines to
    sign on before that."""
    from .models import SignatoryParty

    signed = {s.party: s for s in contract.signatories.all()}
    companies = {SignatoryParty.CUSTOMER: str(contract.customer),
                 SignatoryParty.PROVIDER: settings.SERVPLAN_COMPANY_NAME}
    rows = []
    for party in SignatoryParty:
        who = signed.get(party.value)
        rows.append([party.label, companies[party], who.name if who else "", who.title if who else "", "",
                     who.signed_on if who else None])
    return Table([_t("Party"), _t("Company"), _t("Signed by"), _t("Job title"), _t("Signature and seal"), _t("Date")],
                 rows, caption=_t("Signatories"), widths=[2, 3, 2, 2, 3, 2])


def _changes_section(rows, heading):
    if not rows:
        return []
    return [Section(heading, tables=[Table([_t("Item"), _t("Before"), _t("After")], [list(r) for r in rows],
                                           caption=heading)])]


def contract_sections(contract, language):
    """The contract as a contract: parties, scope, service levels, terms, payment, signatories."""
    colon = "：" if language.startswith("zh") else ": "
    with translation.override(language):
        sla = contract.sla()
        window = sla.service_window if sla is not None else contract.business_calendar
        services = Table([_t("Service"), _t("Tier"), _t("Service hours"), _t("Price (CNY per year)"), _t("Notes")],
                         [[s.service.name, s.tier.name, str(window), _money(s.price), s.notes]
                          for s in contract.service_lines.select_related("service", "tier")],
                         caption=_t("Contracted services"))
        term = f"{contract.start_date} – {contract.end_date}"
        scope = [_t("Term of service") + f"{colon}{term}",
                 _t("Service hours") + f"{colon}{window}"]
        sites = _lines(contract.service_sites)
        if sites:
            scope.append(_t("Service sites") + colon + ("；" if language.startswith("zh") else "; ").join(sites))
        if contract.proposal_id:
            scope.append(_t("Based on pre-sales proposal") + f"{colon}{contract.proposal.number} "
                                                             f"V{contract.proposal.version}")
        sections = [
            Section(_t("Parties"), [_t("This service contract is concluded between the following parties."
                                       )], tables=[_parties(contract)]),
            Section(_t("Scope of services"), scope, tables=[services] if services.rows else []),
        ]
        if sla is not None:
            sections.append(Section(_t("Service levels"), [
                _t("The service levels are those of the service level agreement %(number)s V%(v)s, effective "
                   "from %(date)s, which is part of this contract.") % {"number": sla.number, "v": sla.version,
                                                                        "date": sla.effective_from}],
                tables=sla_tables(sla)))
        else:
            sections.append(Section(_t("Service levels"), [
                _t("The service is measured against the catalogue tier %(tier)s.") % {"tier": contract.service_tier}]))
        clauses = [(_t("Term"), _t("From %(start)s to %(end)s.") % {"start": contract.start_date,
                                                                  "end": contract.end_date}),
                   (_t("Renewal"), contract.renewal_terms), (_t("Termination"), contract.termination_terms),
                   (_t("Confidentiality"), contract.confidentiality_terms)]
        if contract.involves_procurement:
            clauses.append((_t("Procurement"), _t("Equipment or third-party purchases are part of this contract.")))
        sections.append(Section(_t("Terms"), [f"{label}{colon}{' '.join(_lines(text))}" for label, text in clauses
                                             if _lines(text)]))
        milestones = Table([_t("Milestone"), _t("Due date"), _t("Amount (CNY)"), _t("Payment condition")],
                           [[m.name, m.due_date, _money(m.amount), m.condition] for m in contract.milestones.all()],
                           caption=_t("Payment schedule"))
        sections.append(Section(_t("Payment"), [_t("Contract value (CNY)") + f"{colon}{_money(contract.value)}",
                                                *_lines(contract.payment_terms)],
                                tables=[milestones] if milestones.rows else []))
        sections.append(Section(_t("Signatures"), [
            _t("Signed on") + f"{colon}{contract.signed_on}" if contract.signed_on else
            _t("Not signed yet.")], tables=[_signatories(contract)]))
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
