"""REST endpoints of the internal review: the review with its criteria, criteria one by one, verdicts."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RestrictedReadOnlyViewSet
from projects.api.base import ProjectRecordViewSet, inline_choice, nested_rows, record_serializer, row_viewset

from ..filtersets import CriterionVerdictFilterSet, InternalReviewFilterSet, ReviewCriterionFilterSet
from ..models.review import CriterionSource, CriterionVerdict, InternalReview, ReviewCriterion, Verdict
from ..services import review as service

CRITERION_FIELDS = ["criterion", "source", "reference", "department", "evidence", "evidence_records"]
CRITERION_CHOICES = {"source": inline_choice(CriterionSource.choices, required=False)}

InternalReviewSerializer = record_serializer(
    InternalReview, "departments", "conclusion", "customer_reasons", "review_round", "criteria",
    extra={"criteria": nested_rows(ReviewCriterion, CRITERION_FIELDS, CRITERION_CHOICES)})


class VerdictSerializer(serializers.ModelSerializer):
    verdict = inline_choice(Verdict.choices)

    class Meta:
        model = CriterionVerdict
        fields = ["id", "criterion", "review_round", "verdict", "comment", "deviation", "reviewer", "given_at",
                  "carried"]
        read_only_fields = ["criterion", "review_round", "reviewer", "given_at", "carried"]


class InternalReviewViewSet(ProjectRecordViewSet):
    """Internal reviews (内部评审); `POST .../{id}/transition/` with `submit` asks the departments for verdicts; the
    verdict that completes the rule passes it (or returns it when a criterion failed)."""

    queryset = InternalReview.objects.all()
    serializer_class = InternalReviewSerializer
    filterset_class = InternalReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("criteria", "departments")


ReviewCriterionViewSet = row_viewset(ReviewCriterion, ["review", *CRITERION_FIELDS], ReviewCriterionFilterSet,
                                     extra=CRITERION_CHOICES)


class CriterionVerdictViewSet(RestrictedReadOnlyViewSet):
    """Verdicts per criterion and round; a reviewer gives one with `POST review-criteria/{id}/verdict/`."""

    queryset = CriterionVerdict.objects.all()
    serializer_class = VerdictSerializer
    filterset_class = CriterionVerdictFilterSet
    select_related = ("reviewer",)


class JudgeableCriterionViewSet(ReviewCriterionViewSet):
    @extend_schema(request=VerdictSerializer, responses={201: VerdictSerializer})
    @action(detail=True, methods=["post"])
    def verdict(self, request, pk=None):
        criterion = self.get_object()  # out of reach: 404 before anything is read
        given = VerdictSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        row = service.give_verdict(criterion, request.user, data["verdict"], data.get("comment", ""),
                                   data.get("deviation", ""))
        return Response(VerdictSerializer(row).data, status=status.HTTP_201_CREATED)
