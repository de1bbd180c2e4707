"""The PDF/DOCX bodies of procurement's records (core.exports): the plan (items, budget and who approves it, each
item's implementation, its tenders) and the tender evaluation (bids, criteria, the score matrix of every evaluator
once all have scored, the computed ranking, the award)."""

from django.utils import translation
from django.utils.translation import gettext as _t

from core.exports import Section, Table

from . import tendering
from .models import Purchase, Tender, major_amount, money


def _day(value):
    return f"{value:%Y-%m-%d}" if value else ""


def plan_sections(plan, language):
    with translation.override(language):
        header = [f"{_t('Contract')}: {plan.contract}"]
        if plan.project_id:
            header.append(f"{_t('Project')}: {plan.project}")
        if plan.contract_review_id:
            header.append(f"{_t('Contract review')}: {plan.contract_review}")
        if plan.purpose:
            header.append(f"{_t('Purpose')}: {plan.purpose}")
        header.append(f"{_t('Budget')}: {money(plan.budget)} {_t('CNY')}")
        header.append(_t("Major: approved by the Commerce Department (from %(amount)s CNY)")
                      % {"amount": money(major_amount())} if plan.is_major else
                      _t("Not major: approved by the Service Department manager or Commerce"))
        items = list(plan.items.all())
        item_table = Table(caption=_t("Items"), columns=[
            "#", _t("Item"), _t("Category"), _t("Quantity"), _t("Budget unit price (CNY)"), _t("Budget (CNY)"),
            _t("Required by")], rows=[[str(i.position), i.description, i.get_category_display(),
                                      f"{i.quantity} {i.unit}".strip(), money(i.unit_price), money(i.budget),
                                      _day(i.required_by)] for i in items])
        purchases = Purchase.objects.filter(item__plan=plan).select_related("item", "supplier", "tender")
        implementation = Table(caption=_t("Implementation"), columns=[
            _t("Item"), _t("Supplier"), _t("Ordered amount (CNY)"), _t("Requested"), _t("Ordered"), _t("Delivered"),
            _t("Accepted"), _t("Defects"), _t("Exception")], rows=[[
                str(p.item), str(p.supplier or ""), money(p.amount) if p.amount is not None else "",
                _day(p.requested_on), _day(p.ordered_on), _day(p.delivered_on), _day(p.accepted_on),
                str(p.defects) if p.accepted_on else "",
                f"{p.get_exception_status_display()}: {p.exception_reason}" if p.exception_status else ""]
                for p in purchases])
        tenders = Tender.objects.filter(plan__number=plan.number).select_related("proposed_bid__supplier") \
            .order_by("created")
        tender_table = Table(caption=_t("Tenders and negotiations"), columns=[
            _t("Number"), _t("Method"), _t("Status"), _t("Winner"), _t("Price (CNY)")], rows=[[
                f"{t.number} v{t.version}", t.get_method_display(), t.get_status_display(),
                t.proposed_bid.bidder if t.proposed_bid_id and t.status == "awarded" else "",
                money(t.proposed_bid.price) if t.proposed_bid_id and t.status == "awarded" else ""] for t in tenders])
        return [Section(_t("Procurement plan"), header, tables=[item_table]),
                Section(_t("Implementation"), [], tables=[implementation, tender_table])]


def tender_sections(tender, language):
    with translation.override(language):
        header = [f"{_t('Procurement plan')}: {tender.plan}", f"{_t('Method')}: {tender.get_method_display()}",
                  f"{_t('Invitation date')}: {_day(tender.invited_on)}",
                  f"{_t('Bid deadline')}: {_day(tender.bid_deadline)}"]
        items = list(tender.items.all()) or list(tender.plan.items.all())
        header.append(f"{_t('Items tendered')}: " + "; ".join(str(i) for i in items))
        if tender.requirements:
            header.append(f"{_t('Requirements')}: {tender.requirements}")
        bids = Table(caption=_t("Bidders and bids"), columns=[_t("Bidder"), _t("Price offered (CNY)"),
                                                               _t("Received at")],
                     rows=[[b.bidder, money(b.price) if b.price is not None else "",
                            f"{b.received_at:%Y-%m-%d %H:%M}" if b.received_at else _t("not received")]
                           for b in tender.bids.select_related("supplier")])
        criteria = tendering.criteria_of(tender)
        evaluators = list(tender.evaluators.select_related("user"))
        setup = Table(caption=_t("Evaluation criteria"), columns=[_t("Criterion"), _t("Weight")],
                      rows=[[c.name, str(c.weight)] for c in criteria])
        paragraphs = [f"{_t('Evaluators')}: " + ", ".join(str(e.user) for e in evaluators)]
        tables = [setup]
        ranked = tendering.ranking(tender)
        if ranked:
            scores = tendering.all_scores(tender)
            tables.append(Table(caption=_t("Evaluation matrix"), columns=[
                _t("Bidder"), _t("Criterion"), *[str(e.user) for e in evaluators], _t("Mean")], rows=[[
                    r.bid.bidder, f"{c.name} ({c.weight})",
                    *[str(scores[(e.user_id, r.bid.pk, c.pk)]) for e in evaluators], str(r.criterion_means[c.pk])]
                    for r in ranked for c in criteria]))
            tables.append(Table(caption=_t("Result"), columns=[_t("Rank"), _t("Bidder"), _t("Price (CNY)"),
                                                               _t("Result")],
                                rows=[[str(r.rank), r.bid.bidder, money(r.bid.price), str(r.result)] for r in ranked]))
        else:
            paragraphs.append(_t("Computed once every evaluator has scored every bid."))
        award = []
        if tender.proposed_bid_id:
            bid = tender.proposed_bid
            award.append(f"{_t('Winning bidder')}: {bid.bidder} · {money(bid.price)} {_t('CNY')}")
            if tender.proposal_reason:
                award.append(f"{_t('Reason')}: {tender.proposal_reason}")
        return [Section(_t("Tender"), header, tables=[bids]),
                Section(_t("Evaluation"), paragraphs, tables=tables),
                Section(_t("Award") if tender.status == "awarded" else _t("Proposed winner"),
                        award or [_t("No winner proposed yet.")])]
