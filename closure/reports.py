"""The internal reviews' results in the management review (core.report_sections.MANAGEMENT, SP-2.1): every internal
review 内部评审 of a project on the period's contracts that was under review, passed or returned in the period (the
latest version of each), with its criteria counted by their verdict in the review's current round."""

from collections import Counter

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import report_sections as rs

from .models.review import InternalReview, ReviewStatus, Verdict
from .services.review import current_verdicts


def _reviews(scope):
    numbers = sorted({c.number for c in scope.contracts})
    touched = Q(approved_at__gte=scope.start, approved_at__lt=scope.end) | \
        Q(updated__gte=scope.start, updated__lt=scope.end, status__in=(ReviewStatus.IN_REVIEW, ReviewStatus.RETURNED))
    rows = InternalReview.objects.filter(touched, project__contract__number__in=numbers, successor__isnull=True) \
        .select_related("project").order_by("number")
    return rows.exclude(status=ReviewStatus.DRAFT)


def management_reviews(scope):
    rows = []
    for review in _reviews(scope):
        criteria = list(review.criteria.all())
        verdicts = current_verdicts(review) if review.review_round else {}
        counted = Counter(verdicts[c.pk].verdict if c.pk in verdicts else "" for c in criteria)
        approved = timezone.localtime(review.approved_at).strftime("%Y-%m-%d") if review.approved_at else "—"
        rows.append([review.number, review.project.name, str(review.get_status_display()), approved, len(criteria),
                     counted[Verdict.PASS], counted[Verdict.FAIL], counted[Verdict.DEVIATION], counted[""]])
    return rs.Section("internal_reviews", _t("Results of internal reviews"),
                      [_t("Number"), _t("Project"), _t("State"), _t("Passed on"), _t("Criteria"), _t("Pass"),
                       _t("Fail"), _t("Accepted deviation"), _t("Not judged")], rows,
                      note="" if rows else _t("No internal review was under way or concluded in the period."))


rs.register(rs.MANAGEMENT, management_reviews)
