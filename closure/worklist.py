"""Work-queue sources of the closure stage (core.worklist)."""

# ---- internal review and acceptance certificate ----
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext as _t  # noqa: E402

from core.roles import Role  # noqa: E402
from core.worklist import Item, Kind, does_daily, register  # noqa: E402

from .models.acceptance import AcceptanceCertificate, CertificateStatus  # noqa: E402
from .models.review import CriterionVerdict, ReviewCriterion, ReviewStatus  # noqa: E402


@register
def verdicts_owed(user, today):
    """Criteria of reviews under review that the user's department judges and that have no verdict this round."""
    if not user.department_id or not does_daily(user, CriterionVerdict, "add"):
        return
    criteria = ReviewCriterion.objects.filter(department_id=user.department_id,
                                              review__status=ReviewStatus.IN_REVIEW) \
        .exclude(review__project__manager=user).exclude(review__author=user).select_related("review__project")
    seen = set()
    for criterion in criteria[:200]:
        review = criterion.review
        if review.pk in seen or criterion.verdicts.filter(review_round=review.review_round).exists():
            continue
        seen.add(review.pk)
        yield Item(f"internal_review_verdict:{review.pk}:r{review.review_round}:d{user.department_id}", Kind.APPROVE,
                   _t("Give your department's verdicts in the internal review of %(project)s")
                   % {"project": review.project.name}, review.get_absolute_url(), record=review)


@register
def acceptance_steps(user, today):
    """The PM requests acceptance of an approved certificate; a customer contact decides on a requested one."""
    if Role.CUSTOMER in user.own_roles:
        for cert in AcceptanceCertificate.objects.restrict(user, "view") \
                .filter(status=CertificateStatus.REQUESTED).select_related("project")[:50]:
            yield Item(f"acceptance_decision:{cert.pk}", Kind.APPROVE,
                       _t("Accept or reject the project %(project)s") % {"project": cert.project.name},
                       reverse("closure:acceptancecertificate_respond", args=[cert.pk]), record=cert)
        return
    if not does_daily(user, AcceptanceCertificate, "request"):
        return
    for cert in AcceptanceCertificate.objects.restrict(user, "view").filter(status=CertificateStatus.APPROVED) \
            .select_related("project")[:50]:
        if cert.project.manager_id not in (None, user.pk):
            continue
        yield Item(f"acceptance_request:{cert.pk}", Kind.WRITE,
                   _t("Request the customer's acceptance of %(project)s") % {"project": cert.project.name},
                   reverse("closure:acceptancecertificate_request", args=[cert.pk]), record=cert)
