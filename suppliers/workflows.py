"""The supplier register and the qualified supplier list 合格供方名录 (SP-2.6): Commerce keeps suppliers and
approves the list (roles per action: core.permissions)."""

from django.utils.translation import gettext_lazy as _

from core.permissions import crud, declare, review_flow
from core.registry import COMMERCE_DEPT, RecordType, registry
from core.roles import Role as R
from core.workflow import generic_review_workflow

registry.declare(RecordType("qualified_supplier_list", _("Qualified supplier list"), COMMERCE_DEPT, "SP-QSL",
                            spec="SP-2.6"))
registry.bind("qualified_supplier_list", "suppliers.QualifiedList", generic_review_workflow())

COMMERCE = {R.COMMERCE, R.ADMIN}
DELIVERY_ACCEPTORS = frozenset({R.COMMERCE, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.PROJECT_MANAGER, R.ADMIN})
declare({
    "suppliers.supplier": crud(COMMERCE),
    "suppliers.suppliercontact": crud(COMMERCE),
    "suppliers.certificate": crud(COMMERCE),
    # Written by procurement when whoever accepts a delivery accepts it (suppliers.services.record_performance);
    # never changed or deleted by hand.
    "suppliers.performance": {**crud(frozenset()), "add": DELIVERY_ACCEPTORS},
    "suppliers.qualifiedlist": review_flow(COMMERCE, {R.COMMERCE}),
    "suppliers.qualifiedentry": crud(COMMERCE),
})
