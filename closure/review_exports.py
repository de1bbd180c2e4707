"""Document bodies (PDF/DOCX) of the internal review record and the project acceptance certificate.

The certificate's body as offered to the customer (`offered=True`) is what its SHA-256 covers: criteria, results,
deviations, period, deliverables and statement. The exported certificate adds the customer's decisions: who, when,
how, from where, the SHA-256 of the document decided on, the version signed, and whether the decision still holds.
"""

from django.utils import translation
from django.utils.translation import gettext as _t

from core import display
from core.exports import Section, Table

from .models.review import Verdict


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def review_sections(review, language):
    from .services.review import outcome

    with translation.override(language):
        project = review.project
        result = outcome(review)
        info = Table([_t("Item"), _t("Value")], [
            [_t("Project"), f"{project.code} {project.name}"],
            [_t("Service contract"), str(getattr(project.contract, "number", "—"))],
            [_t("Period"), f"{project.start_date} – {project.end_date}"],
            [_t("Reviewing departments"), ", ".join(map(str, review.departments.order_by("code")))],
            [_t("Review round"), str(review.review_round)],
            [_t("Result"), _t("passed") if result.passed else " ".join(result.reasons())],
        ], caption=_t("Project under review"))
        criteria_rows = []
        for n, criterion in enumerate(result.criteria, 1):
            verdict = result.verdicts.get(criterion.pk)
            evidence = criterion.evidence
            linked = [f"{r.number} V{r.version}" for r in criterion.evidence_records.all()]
            if linked:
                evidence = (evidence + "\n" if evidence else "") + ", ".join(linked)
            judged = ""
            if verdict is not None:
                judged = verdict.get_verdict_display()
                if verdict.verdict == Verdict.DEVIATION:
                    judged += "\n" + _t("Deviation: %(text)s (accepted by %(who)s)") % {
                        "text": verdict.deviation, "who": verdict.reviewer}
                elif verdict.comment:
                    judged += "\n" + verdict.comment
            criteria_rows.append([n, criterion.criterion, criterion.get_source_display(), criterion.reference,
                                  str(criterion.department), evidence,
                                  judged or _t("pending"), str(verdict.reviewer) if verdict else "",
                                  display.local_date(verdict.given_at) if verdict else ""])
        criteria = Table([_t("No."), _t("Criterion"), _t("Source"), _t("Reference"), _t("Department"),
                          _t("Evidence"), _t("Verdict"), _t("Reviewer"), _t("Date")], criteria_rows,
                         caption=_t("Criteria, evidence and verdicts"), widths=[1, 5, 2, 3, 2.5, 5, 4, 2, 2])
        sections = [Section(_t("Project under review"), tables=[info]),
                    Section(_t("Criteria and verdicts"), tables=[criteria])]
        history = _round_history(review)
        if history.rows:
            sections.append(Section(_t("Verdicts of earlier rounds"), tables=[history]))
        if review.customer_reasons:
            sections.append(Section(_t("Customer's reasons for rejecting"), _lines(review.customer_reasons)))
        if review.conclusion:
            sections.append(Section(_t("Conclusion"), _lines(review.conclusion)))
        return sections


def _round_history(review):
    from .models.review import CriterionVerdict

    rows = [[v.review_round, v.criterion.criterion, v.get_verdict_display(), v.comment or v.deviation,
             str(v.reviewer), display.local_date(v.given_at)]
            for v in CriterionVerdict.objects.filter(criterion__review=review, review_round__lt=review.review_round,
                                                     carried=False)
            .select_related("criterion", "reviewer").order_by("review_round", "criterion_id", "pk")]
    return Table([_t("Round"), _t("Criterion"), _t("Verdict"), _t("Comment"), _t("Reviewer"), _t("Date")], rows,
                 caption=_t("Verdicts of earlier rounds"), widths=[1, 6, 2, 6, 2, 2])


def certificate_sections(cert, language, offered=False):
    with translation.override(language):
        project = cert.project
        review = cert.review
        info = Table([_t("Item"), _t("Value")], [
            [_t("Project"), f"{project.code} {project.name}"],
            [_t("Customer"), str(cert.customer or "")],
            [_t("Service contract"), str(getattr(project.contract, "number", "—"))],
            [_t("Period"), f"{cert.period_start} – {cert.period_end}"],
            [_t("Internal review record"), f"{review.number} V{review.version}"],
        ], caption=_t("Project"))
        items = list(cert.items.all())
        results = Table([_t("No."), _t("Criterion"), _t("Result"), _t("Deviation"), _t("Evidence")],
                        [[n, item.criterion, item.get_result_display(), item.deviation, item.evidence]
                         for n, item in enumerate(items, 1)],
                        caption=_t("Acceptance criteria and results"), widths=[1, 6, 2, 4, 6])
        sections = [Section(_t("Project"), tables=[info]),
                    Section(_t("Acceptance criteria and results"), tables=[results])]
        deliverables = _lines(cert.deliverables)
        if deliverables:
            sections.append(Section(_t("Deliverables"), deliverables))
        sections.append(Section(_t("Acceptance statement"), _lines(cert.statement)))
        if offered:
            sections.append(Section(_t("Customer's decision"), [
                _t("Accepted / rejected (delete as appropriate):"), _t("Comments:"),
                _t("Name:") + "　　　　　　" + _t("Title:") + "　　　　　　" + _t("Organisation:"),
                _t("Signature and seal:") + "　　　　　　　　" + _t("Date:")]))
            return sections
        sections.append(_decisions_section(cert))
        return sections


def _decisions_section(cert):
    from .services.acceptance import acceptance_valid

    rows = []
    for a in cert.acceptances.select_related("user", "recorded_by").order_by("decided_at", "pk"):
        signer = f"{a.signer_name} ({a.signer_title}, {a.signer_organisation})"
        how = a.get_method_display()
        if a.recorded_by_id:
            how += "\n" + _t("recorded by %(who)s") % {"who": a.recorded_by}
        rows.append([a.get_decision_display(), signer, display.datetime_text(a.decided_at), how,
                     a.ip or "", f"V{a.document_version}\n{a.document_sha256}",
                     _t("valid") if acceptance_valid(a) else _t("invalid: the certificate changed after the "
                                                              "decision"), a.comments])
    paragraphs = []
    if cert.document_sha256:
        paragraphs.append(_t("Document offered for acceptance: %(number)s V%(version)s, SHA-256 %(sha)s")
                          % {"number": cert.number, "version": cert.version, "sha": cert.document_sha256})
    else:
        paragraphs.append(_t("Not offered to the customer yet."))
    table = Table([_t("Decision"), _t("Signer"), _t("When"), _t("How"), _t("From"), _t("Version and SHA-256"),
                   _t("Validity"), _t("Comments")], rows, caption=_t("Customer's decisions"),
                  widths=[1.5, 4, 2.5, 2.5, 2, 5, 2, 4])
    return Section(_t("Customer's decision"), paragraphs, tables=[table] if rows else [])
