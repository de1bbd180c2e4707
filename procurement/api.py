"""REST endpoints of procurement (SP-2.6): plans with their items, the implementation rows (written through the
services: the qualified-supplier rule, acceptance writing the supplier's performance; exceptions asked for and
decided), tenders with criteria, evaluators and invited bidders, bids, blind scores, the ranking and the proposal."""

from decimal import Decimal

from django.utils.translation import gettext as _t
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core import records
from core.api import (
    ControlledRecordSerializer,
    ControlledRecordViewSet,
    RecordSerializer,
    RestrictedReadOnlyViewSet,
    ServiceViewSet,
)
from core.middleware import bind_actor
from core.permissions import allowed

from . import services, tendering
from .filtersets import (
    BidFilterSet,
    BidScoreFilterSet,
    ProcurementItemFilterSet,
    ProcurementPlanFilterSet,
    PurchaseFilterSet,
    TenderCriterionFilterSet,
    TenderEvaluatorFilterSet,
    TenderFilterSet,
)
from .models import Bid, BidScore, ProcurementItem, ProcurementPlan, Purchase, Tender, TenderCriterion, TenderEvaluator

ITEM_FIELDS = ["position", "description", "category", "quantity", "unit", "unit_price", "required_by"]
PURCHASE_FIELDS = ["supplier", "amount", "requested_on", "ordered_on", "order_reference", "delivered_on",
                   "delivered_quantity", "accepted_on", "defects", "acceptance_note"]
PURCHASE_READ_ONLY = ["item", "tender", "stage", "exception_supplier", "exception_reason", "exception_status",
                      "exception_decided_by", "exception_decided_at", "exception_comment"]
BID_FIELDS = ["supplier", "bidder_name", "price", "received_at", "attachment"]


def nested_rows(model, fields):
    """A record's rows as a list in the record (replaced by core.rows); a listed `id` keeps that row."""
    meta = type("Meta", (), {"model": model, "fields": ["id", *fields]})
    serializer = type(f"Nested{model.__name__}Serializer", (RecordSerializer,),
                      {"Meta": meta, "id": serializers.IntegerField(required=False)})
    return serializer(many=True, required=False)


class ServiceCheckedMixin:
    """Actions whose rights the service checks itself (an evaluator who does not draft tenders scores; Commerce
    decides an exception): the caller must read the model; the service refuses the rest."""

    service_checked_actions = ()

    def check_permissions(self, request):
        if self.action in self.service_checked_actions:
            if not request.user.is_authenticated or not allowed(request.user, self.queryset.model, "view"):
                self.permission_denied(request)
            bind_actor(request, request.user)
            return
        super().check_permissions(request)


# ---- plans ------------------------------------------------------------------------------------------------------

class ProcurementPlanSerializer(ControlledRecordSerializer):
    items = nested_rows(ProcurementItem, ITEM_FIELDS)
    budget = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    is_major = serializers.BooleanField(read_only=True)

    class Meta(ControlledRecordSerializer.Meta):
        model = ProcurementPlan
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "contract", "project",
                  "contract_review", "purpose", "owner_department", "author", "customer", "confidentiality",
                  "change_note", "predecessor", "approved_at", "lock_version", "created", "updated", "items", "budget",
                  "is_major"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer")


class ProcurementPlanViewSet(ControlledRecordViewSet):
    """Procurement plans 采购计划: draft → in review → approved (major: Commerce only) → implemented."""

    queryset = ProcurementPlan.objects.all()
    serializer_class = ProcurementPlanSerializer
    filterset_class = ProcurementPlanFilterSet
    select_related = ("owner_department", "author", "contract", "project")
    prefetch_related = ("items",)


class ProcurementItemViewSet(RestrictedReadOnlyViewSet):
    queryset = ProcurementItem.objects.all()
    serializer_class = type("ProcurementItemSerializer", (serializers.ModelSerializer,), {"Meta": type(
        "Meta", (), {"model": ProcurementItem, "fields": ["id", "plan", *ITEM_FIELDS]})})
    filterset_class = ProcurementItemFilterSet


# ---- the implementation ------------------------------------------------------------------------------------------

class PurchaseSerializer(RecordSerializer):
    stage = serializers.CharField(read_only=True)

    class Meta:
        model = Purchase
        fields = ["id", *PURCHASE_READ_ONLY, *PURCHASE_FIELDS]
        read_only_fields = PURCHASE_READ_ONLY

    def save_instance(self, instance, before):
        services.save_purchase(instance, self.context["request"].user, before)


class ExceptionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ExceptionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PurchaseViewSet(ServiceCheckedMixin, ServiceViewSet):
    """How each item of an approved plan is bought. Opened when the plan is approved; PATCH records the supplier and
    each stage's date (a supplier not qualified on the order date is refused unless Commerce approved an exception
    for it; accepting writes the supplier's performance)."""

    queryset = Purchase.objects.all()
    serializer_class = PurchaseSerializer
    filterset_class = PurchaseFilterSet
    select_related = ("item__plan", "supplier")
    http_method_names = ["get", "patch", "post", "head", "options"]
    service_checked_actions = ("request_exception", "decide_exception")

    @extend_schema(exclude=True)  # rows are opened by the plan's approval; POST serves the exception actions
    def create(self, request, *args, **kwargs):
        return Response({"detail": _t("Purchases are opened when their plan is approved.")},
                        status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @extend_schema(request=ExceptionRequestSerializer, responses=PurchaseSerializer)
    @action(detail=True, methods=["post"], url_path="request-exception")
    def request_exception(self, request, pk=None):
        purchase = self.get_object()
        data = ExceptionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        purchase = services.request_exception(purchase, request.user, data.validated_data["reason"])
        return Response(PurchaseSerializer(purchase, context=self.get_serializer_context()).data)

    @extend_schema(request=ExceptionDecisionSerializer, responses=PurchaseSerializer)
    @action(detail=True, methods=["post"], url_path="decide-exception")
    def decide_exception(self, request, pk=None):
        purchase = self.get_object()
        data = ExceptionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        purchase = services.decide_exception(purchase, request.user, data.validated_data["approve"],
                                             data.validated_data["comment"])
        return Response(PurchaseSerializer(purchase, context=self.get_serializer_context()).data)


# ---- tenders ------------------------------------------------------------------------------------------------------

class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    bid = serializers.IntegerField(source="bid.pk")
    bidder = serializers.CharField(source="bid.bidder")
    price = serializers.DecimalField(max_digits=16, decimal_places=2, source="bid.price")
    result = serializers.DecimalField(max_digits=7, decimal_places=2)


class TenderSerializer(ControlledRecordSerializer):
    criteria = nested_rows(TenderCriterion, ["position", "name", "weight"])
    evaluators = nested_rows(TenderEvaluator, ["user"])
    bids = nested_rows(Bid, ["supplier", "bidder_name"])
    ranking = serializers.SerializerMethodField()

    class Meta(ControlledRecordSerializer.Meta):
        model = Tender
        fields = ["id", "url", "number", "version", "title", "status", "status_display", "plan", "items", "method",
                  "requirements", "invited_on", "bid_deadline", "proposed_bid", "proposal_reason", "scores_complete",
                  "owner_department", "author", "customer", "confidentiality", "change_note", "predecessor",
                  "approved_at", "lock_version", "created", "updated", "criteria", "evaluators", "bids", "ranking"]
        read_only_fields = (*ControlledRecordSerializer.Meta.read_only_fields, "customer", "proposed_bid",
                            "proposal_reason", "scores_complete")

    @extend_schema_field(RankSerializer(many=True))
    def get_ranking(self, obj):
        """Empty until every evaluator has scored every bid (the blind rule)."""
        return RankSerializer(tendering.ranking(obj) if obj.scores_complete else [], many=True).data


class ScoreCellSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    criterion = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ScoresSerializer(serializers.Serializer):
    scores = ScoreCellSerializer(many=True)


class VisibleScoreSerializer(serializers.Serializer):
    evaluator = serializers.IntegerField()
    bid = serializers.IntegerField()
    criterion = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)


class ProposalSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _visible_rows(tender, user):
    return [{"evaluator": e, "bid": b, "criterion": c, "score": value}
            for (e, b, c), value in sorted(tendering.visible_scores(tender, user).items())]


class TenderViewSet(ServiceCheckedMixin, ControlledRecordViewSet):
    """Tenders and negotiations 招标/谈判: draft → bidding → evaluation → award proposed → awarded (Commerce).
    `scores` (GET) answers the scores the caller may read (their own until every evaluator has scored every bid);
    `scores` (POST) writes the caller's own; `propose` names the winner (a reason when not the best ranked)."""

    queryset = Tender.objects.all()
    serializer_class = TenderSerializer
    filterset_class = TenderFilterSet
    select_related = ("owner_department", "author", "plan")
    prefetch_related = ("criteria", "evaluators", "bids", "items")
    service_checked_actions = ("scores", "propose")

    @extend_schema(methods=["get"], request=None, responses=VisibleScoreSerializer(many=True))
    @extend_schema(methods=["post"], request=ScoresSerializer, responses=VisibleScoreSerializer(many=True))
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def scores(self, request, pk=None):
        tender = self.get_object()
        if request.method == "POST":
            data = ScoresSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            cells = data.validated_data["scores"]
            tendering.save_scores(tender, request.user, {
                (cell["bid"], cell["criterion"]): (cell["score"], cell["note"]) for cell in cells})
        return Response(VisibleScoreSerializer(_visible_rows(tender, request.user), many=True).data)

    @extend_schema(request=ProposalSerializer, responses=TenderSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        tender = self.get_object()
        data = ProposalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = tender.bids.filter(pk=data.validated_data["bid"]).first()
        tendering.propose(tender, request.user, bid, data.validated_data["reason"])
        tender.refresh_from_db()
        return Response(self.get_serializer(tender).data)


class TenderCriterionViewSet(RestrictedReadOnlyViewSet):
    queryset = TenderCriterion.objects.all()
    serializer_class = type("TenderCriterionSerializer", (serializers.ModelSerializer,), {"Meta": type(
        "Meta", (), {"model": TenderCriterion, "fields": ["id", "tender", "position", "name", "weight"]})})
    filterset_class = TenderCriterionFilterSet


class TenderEvaluatorViewSet(RestrictedReadOnlyViewSet):
    queryset = TenderEvaluator.objects.all()
    serializer_class = type("TenderEvaluatorSerializer", (serializers.ModelSerializer,), {"Meta": type(
        "Meta", (), {"model": TenderEvaluator, "fields": ["id", "tender", "user"]})})
    filterset_class = TenderEvaluatorFilterSet


class BidSerializer(RecordSerializer):
    received = serializers.BooleanField(read_only=True)

    class Meta:
        model = Bid
        fields = ["id", "tender", *BID_FIELDS, "received"]


def delete_bid(bid, user):
    if bid.tender.status not in tendering.BID_STATES or bid.received:
        from core.workflow import refuse

        raise refuse(_t("A bid received, or one of a tender past its bidding, is kept."))
    records.delete(bid, user)


class BidViewSet(ServiceViewSet):
    """Bidders and their bids: invited while the tender is a draft, received (price, time, document) while it is
    open for bids; a new bidder's supplier may be named until the award."""

    queryset = Bid.objects.all()
    serializer_class = BidSerializer
    filterset_class = BidFilterSet
    select_related = ("tender", "supplier")
    delete_service = staticmethod(delete_bid)


class BidScoreSerializer(RecordSerializer):
    class Meta:
        model = BidScore
        fields = ["id", "tender", "bid", "criterion", "evaluator", "score", "note"]
        read_only_fields = ["tender", "evaluator"]

    def validate(self, attrs):
        bid = attrs.get("bid") or getattr(self.instance, "bid", None)
        if self.instance is not None and "bid" in attrs and attrs["bid"] != self.instance.bid:
            raise serializers.ValidationError({"bid": _t("A score stays with its bid.")})
        if bid is not None:
            attrs["tender"] = bid.tender
        return attrs

    def save_instance(self, instance, before):
        tendering.save_score(instance, self.context["request"].user, before)


class BidScoreViewSet(ServiceViewSet):
    """Scores of bids: blind (BidScore.restrict_rows): another evaluator's scores are listed only once every
    evaluator has scored every bid; an evaluator writes only their own."""

    queryset = BidScore.objects.all()
    serializer_class = BidScoreSerializer
    filterset_class = BidScoreFilterSet
    select_related = ("bid", "criterion")
    http_method_names = ["get", "post", "patch", "head", "options"]


ROUTES = [
    ("procurement/plans", ProcurementPlanViewSet),
    ("procurement/items", ProcurementItemViewSet),
    ("procurement/purchases", PurchaseViewSet),
    ("procurement/tenders", TenderViewSet),
    ("procurement/tender-criteria", TenderCriterionViewSet),
    ("procurement/tender-evaluators", TenderEvaluatorViewSet),
    ("procurement/bids", BidViewSet),
    ("procurement/bid-scores", BidScoreViewSet),
]
