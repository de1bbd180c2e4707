"""The rows every import reads are counted for /metrics (core.ops.metrics, servplan_import_rows_total), by outcome."""

import pytest
from prometheus_client import REGISTRY

from .helpers import csv_bytes, import_bytes

ROWS = [
    {"external_id": "MET-1", "priority": "P1", "kind": "incident", "created": "2026-03-02 09:00",
     "first_response": "2026-03-02 09:20", "resolved": "2026-03-02 15:00", "category": "硬件故障"},
    {"external_id": "MET-2", "priority": "P3", "kind": "incident", "created": "2026-03-02 10:00",
     "first_response": "2026-03-02 10:30", "category": "网络故障"},
]


def counted():
    return {outcome: REGISTRY.get_sample_value("servplan_import_rows_total", {"outcome": outcome}) or 0.0
            for outcome in ("created", "updated", "unchanged", "refused")}


@pytest.fixture
def contract(contracts):
    return contracts["hzbank"]


def test_import_rows_are_counted_by_outcome(contract, demo):
    user = demo["svc_staff"]
    start = counted()
    import_bytes(contract, user, csv_bytes(ROWS))
    import_bytes(contract, user, csv_bytes([ROWS[0], ROWS[1] | {"resolved": "2026-03-02 18:00"}]))
    rejected = import_bytes(contract, user, csv_bytes([ROWS[0] | {"created": "not a date"}, ROWS[1]]))
    assert rejected.rejected
    end = counted()
    assert {outcome: end[outcome] - start[outcome] for outcome in end} == {
        "created": 2, "updated": 1, "unchanged": 1, "refused": 2}
