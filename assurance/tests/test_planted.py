"""The checks on a company with known violations: the clean demo company yields no finding from any registered rule;
with every planter's violations planted (assurance.tests.planted), the checks find exactly what was planted."""

from core import compliance
from core.display import readable

from ..checks import run
from ..choices import FindingStatus, RunState, RunTrigger
from ..models import Finding
from .planted import planters


def found_identities():
    return {(f.rule_id, f.content_type_id, f.object_id, f.key) for f in Finding.objects.exclude(
        status=FindingStatus.RESOLVED)}


def described(identities):
    rows = {(f.rule_id, f.content_type_id, f.object_id, f.key): f for f in Finding.objects.all()}
    return sorted(f"{i[0]} {rows[i].object_label if i in rows else i} {readable(rows[i].message) if i in rows else ''}"
                  for i in identities)


def test_clean_demo_yields_no_finding(demo):
    assert {"WF-1", "WF-2", "WF-3", "AUD-1"} <= {r.id for r in compliance.rules()}
    checked = run(RunTrigger.MANUAL, demo["mr"])
    assert checked.state == RunState.DONE, readable(checked.message)
    assert checked.rules_run == len(compliance.rules())
    assert not Finding.objects.exists(), described(found_identities())


def test_checks_find_exactly_what_was_planted(demo):
    expected = set()
    for plant in planters():
        expected |= {e.identity() for e in plant(demo)}
    assert {identity[0] for identity in expected} >= {"WF-1", "WF-2", "WF-3", "AUD-1"}
    checked = run(RunTrigger.MANUAL, demo["mr"])
    assert checked.state == RunState.DONE, readable(checked.message)
    found = found_identities()
    assert not found - expected, ("found but not planted", described(found - expected))
    assert not expected - found, ("planted but not found", sorted(expected - found))
    assert checked.found == len(expected) and checked.new == len(expected)
