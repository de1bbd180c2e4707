"""The clause map: the built-in map and a company's files (loading, extending, validation naming file, clause and
id), the clause map page and its exports in both languages, the API, and the evidence per clause against an
independent count of the register."""

import csv
import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from assurance import clausemap
from assurance.choices import FindingStatus
from assurance.clausemap.evidence import evidence
from assurance.models import Finding
from assurance.scope import AuditScope, issued_states
from core import compliance
from core.choices import AuditAction
from core.models import AuditEntry, RecordIndex
from core.registry import registry

PAGE = "/assurance/clauses/"
API = "/api/assurance/clauses/"


@pytest.fixture
def rules_in_the_map():
    """The rules the built-in map names, as each app registers them. Where this branch does not have an app's
    rules yet, a stand-in with the same id (finding nothing) takes its place for the duration of a test, so the
    pages can be tested; test_builtin_map_is_valid uses none and needs the real ones."""
    ids = {rule_id for clause in clausemap.read([])[0].clauses for rule_id in clause.checks}
    added = [rule_id for rule_id in ids if compliance.get(rule_id) is None]
    for rule_id in added:
        clause = next(c.id for c in clausemap.read([])[0].clauses if rule_id in c.checks)
        compliance.register(compliance.Rule(rule_id, clause, compliance.Severity.MINOR, rule_id, rule_id,
                                            lambda scope: iter(())))
    clausemap._load.cache_clear()
    yield
    for rule_id in added:
        compliance._rules.pop(rule_id, None)
    clausemap._load.cache_clear()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---- the built-in map ----

def test_builtin_map_is_valid():
    """Every procedure step, record type and rule the built-in map names exists, and every registered rule is
    listed under its own clause (run once every part's rules are registered)."""
    clause_map, errors = clausemap.read([])
    assert [str(e) for e in errors] == []
    for rule in compliance.rules():
        assert rule.clause in [c.id for c in clause_map.for_rule(rule.id)], rule.id


def test_builtin_map_holds_clause_titles_in_both_languages_and_the_earlier_editions(rules_in_the_map):
    clause_map = clausemap.load()
    assert clause_map.sources == (("iso20000-1.toml", clause_map.version),) and clause_map.version
    ids = [c.id for c in clause_map.clauses]
    assert ids == sorted(ids, key=clausemap.clause_order) and len(ids) == len(set(ids))
    for clause in clause_map.clauses:
        assert clause.title_en and clause.title_zh and len(clause.title_en) < 80, clause.id  # titles, never text
        assert clause.chapter in clause_map.headings
        assert set(clause.editions) <= {"ISO/IEC 20000-1:2005", "GB/T 24405.1-2009"}
        # GB/T 24405.1-2009 adopts the 2005 edition: same numbering, its own (Chinese) title
        if clause.editions:
            assert clause.editions["GB/T 24405.1-2009"] == clause.editions["ISO/IEC 20000-1:2005"]
            assert clause.edition_titles["GB/T 24405.1-2009"] != clause.edition_titles["ISO/IEC 20000-1:2005"]
    service_levels = clause_map.get("8.3.3")
    assert service_levels.editions == {"ISO/IEC 20000-1:2005": "6.1", "GB/T 24405.1-2009": "6.1"}
    assert "sla" in service_levels.record_types and "CON-2" in service_levels.checks
    assert clause_map.for_rule("SUP-1") == [clause_map.get("8.3.4.1")]
    assert clause_map.get("8.5.1") in clause_map.for_record_type("change_request")
    # every record type of the procedure's register is evidence of some clause
    for record_type in registry.spec_types():
        assert clause_map.for_record_type(record_type.code), record_type.code


def test_title_follows_the_active_language(rules_in_the_map):
    from django.utils import translation

    clause = clausemap.load().get("10.2")
    assert clause.title == "Continual improvement"
    with translation.override("zh-hans"):
        assert clause.title == "持续改进"
        assert clausemap.load().heading("10") == "改进"


# ---- a company's own files ----

COMPANY = """
version = "acme-3"

[[clause]]
id = "8.1"
record_types = ["problem"]
checks = ["IMP-1"]

[[clause]]
id = "8.6.2"
title_en = "Service request management"
title_zh = "服务请求管理"
sp = ["SP-4.5.1"]
record_types = ["monthly_report"]

[[clause]]
id = "9.3"
mode = "replace"
record_types = ["annual_goals"]
editions = [{ edition = "ISO/IEC 20000-1:2005", clause = "3.1", title = "Management responsibility" }]
"""


def test_company_file_extends_overrides_and_adds_clauses(rules_in_the_map, tmp_path, settings):
    builtin = clausemap.load()
    settings.SERVPLAN_CLAUSE_MAP_FILES = [write(tmp_path, "acme.toml", COMPANY)]
    clause_map = clausemap.load()
    assert clause_map.sources == (("iso20000-1.toml", builtin.version), (str(tmp_path / "acme.toml"), "acme-3"))
    assert clause_map.version == f"{builtin.version} + acme-3"
    operation = clause_map.get("8.1")
    assert operation.record_types == (*builtin.get("8.1").record_types, "problem")  # extended
    assert operation.checks == (*builtin.get("8.1").checks, "IMP-1")
    assert operation.title_en == builtin.get("8.1").title_en and operation.sp == builtin.get("8.1").sp
    added = clause_map.get("8.6.2")
    assert added.title == "Service request management" and added.record_types == ("monthly_report",)
    assert [c.id for c in clause_map.clauses].index("8.6.2") == [c.id for c in clause_map.clauses].index("8.6.1") + 1
    review = clause_map.get("9.3")
    assert review.record_types == ("annual_goals",) and review.sp == builtin.get("9.3").sp  # replaced, kept
    assert review.editions == {"ISO/IEC 20000-1:2005": "3.1"}
    assert clause_map.get("8.1") in clause_map.for_record_type("problem")

    settings.SERVPLAN_CLAUSE_MAP_FILES = []
    assert clausemap.load() == builtin  # the cache follows the setting


BROKEN = """
[[clause]]
id = "8.1"
record_types = ["no_such_type"]
sp = ["SP-9.9"]
checks = ["XYZ-7"]
colour = "red"

[[clause]]
id = "11.1"
sp = ["SP-4.5.1"]
"""


def test_validation_errors_name_the_file_the_clause_and_the_unknown_id(rules_in_the_map, tmp_path, settings):
    path = write(tmp_path, "broken.toml", BROKEN)
    _map, errors = clausemap.read([path])
    messages = [str(e) for e in errors]
    assert f"{path}: the file has no version" in messages
    assert f"{path}: clause 8.1: unknown record type no_such_type" in messages
    assert f"{path}: clause 8.1: unknown procedure requirement id SP-9.9" in messages
    assert f"{path}: clause 8.1: unknown compliance rule XYZ-7" in messages
    assert f'{path}: clause 8.1: unknown field "colour"' in messages
    assert f"{path}: clause 11.1: a new clause needs title_en" in messages
    assert len(messages) == 6
    # the built-in file is not blamed for the company's ids
    assert not [m for m in messages if m.startswith("iso20000-1.toml")]

    settings.SERVPLAN_CLAUSE_MAP_FILES = [path]
    with pytest.raises(clausemap.ClauseMapError) as refused:
        clausemap.load()
    assert "unknown record type no_such_type" in str(refused.value)

    missing = str(tmp_path / "missing.toml")
    assert [str(e) for e in clausemap.read([missing])[1]] == [f"{missing}: the file does not exist"]
    bad = write(tmp_path, "bad.toml", "version = \n")
    assert str(clausemap.read([bad])[1][0]).startswith(f"{bad}: the file cannot be read")


def test_check_command_lists_files_and_versions_and_fails_on_errors(rules_in_the_map, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    good = write(tmp_path, "acme.toml", COMPANY)
    call_command("clause_map", "--check", good, stdout=out, stderr=err)
    assert "iso20000-1.toml: version" in out.getvalue() and f"{good}: version acme-3" in out.getvalue()
    assert "valid" in out.getvalue() and err.getvalue() == ""

    out, err = io.StringIO(), io.StringIO()
    broken = write(tmp_path, "broken.toml", BROKEN)
    with pytest.raises(CommandError):
        call_command("clause_map", "--check", broken, stdout=out, stderr=err)
    assert f"{broken}: clause 8.1: unknown record type no_such_type" in err.getvalue()

    out = io.StringIO()
    call_command("clause_map", "--export", stdout=out)
    assert '"id": "8.3.3"' in out.getvalue() and '"title_zh": "服务级别管理"' in out.getvalue()


# ---- the evidence per clause ----

def expected_counts(scope):
    """The register counted row by row in Python, without assurance.scope: in scope when the project is chosen
    (or is a chosen contract's), or, with no project, when the contract is chosen (or a chosen project's)."""
    from projects.models import Project

    projects = set(scope.projects) | set(Project.objects.filter(contract__in=scope.contracts)
                                         .values_list("pk", flat=True))
    contracts = set(scope.contracts) | set(Project.objects.filter(pk__in=scope.projects)
                                           .values_list("contract_id", flat=True))
    counts = {}
    for entry in RecordIndex.objects.all():
        mine = entry.project_ref in projects if entry.project_ref else entry.contract_ref in contracts
        written = timezone.localtime(entry.created).date() <= scope.end
        in_force = entry.is_latest or timezone.localtime(entry.updated).date() >= scope.start
        if mine and written and in_force:
            bucket = counts.setdefault(entry.record_type, {"issued": 0, "open": 0})
            bucket["issued" if entry.status in issued_states(entry.record_type) else "open"] += 1
    return counts


def a_contract_with_records():
    """The demo contract with the most register entries of its own and of its projects."""
    from contracts.models import Contract

    counts = {}
    for contract_ref in RecordIndex.objects.exclude(contract_ref=None).values_list("contract_ref", flat=True):
        counts[contract_ref] = counts.get(contract_ref, 0) + 1
    return Contract.objects.get(pk=max(counts, key=counts.get))


def finding(rule_id, record, *, contract=None, project=None, status=FindingStatus.OPEN):
    now = timezone.now()
    return Finding.objects.create(
        rule_id=rule_id, clause=compliance.get(rule_id).clause, severity=compliance.Severity.MAJOR,
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk, key=f"{rule_id}-{status}",
        object_label=str(record), message="", contract=contract, project=project, status=status, first_found=now,
        last_found=now)


def test_evidence_per_clause_equals_an_independent_count(demo, rules_in_the_map):
    from contracts.models import Contract

    contract = a_contract_with_records()
    other = Contract.objects.exclude(pk=contract.pk).first()
    scope = AuditScope.of([contract], [], date(2000, 1, 1), timezone.localdate())
    expected = expected_counts(scope)
    assert sum(b["issued"] for b in expected.values()) > 0

    finding("CON-1", contract, contract=contract)
    finding("CON-1", contract, contract=contract, status=FindingStatus.ACCEPTED)  # not open: not counted
    finding("CON-1", other, contract=other)  # another contract: not in scope
    finding("AUD-1", demo["admin"])  # the company as a whole: in every scope

    rows = {row.clause.id: row for row in evidence(clausemap.load(), scope)}
    for clause_id, row in rows.items():
        for type_evidence in row.types:
            assert (type_evidence.issued, type_evidence.open) == (
                expected.get(type_evidence.code, {}).get("issued", 0),
                expected.get(type_evidence.code, {}).get("open", 0)), (clause_id, type_evidence.code)
        assert row.thin == (bool(row.types) and not row.issued or row.open_findings > 0
                            or not row.types and not row.rules)
    assert {r.id: r.open_findings for r in rows["8.3.2"].rules}["CON-1"] == 1
    assert rows["8.3.2"].thin and "open_findings" in rows["8.3.2"].reasons
    assert {r.id: r.open_findings for r in rows["7.5.3"].rules}["AUD-1"] == 1

    # a period before any record: every clause with record types is thin for want of an issued record
    empty = evidence(clausemap.load(), AuditScope.of([contract], [], date(1990, 1, 1), date(1990, 12, 31)))
    assert all("no_issued_record" in row.reasons for row in empty if row.types)


# ---- pages ----

def test_clause_map_page_in_english_and_chinese(demo, client_for, rules_in_the_map):
    contract = a_contract_with_records()
    query = {"start": "2000-01-01", "end": timezone.localdate().isoformat(), "contract": contract.pk}
    english = client_for("auditor").get(PAGE, query)
    assert english.status_code == 200
    html = english.content.decode()
    assert "Service level management" in html and "8.3.3" in html and "ISO/IEC 20000-1:2005" in html
    assert "4.2.1 Contract review" in html  # the procedure step, as a person reads it
    assert "SP-4.2.1" not in html
    assert "服务级别管理" in html  # GB/T 24405.1-2009's title, marked as Chinese
    assert 'id="clause-8-3-3"' in html

    chinese = client_for("auditor", language="zh-hans").get(PAGE, query)
    assert chinese.status_code == 200
    html = chinese.content.decode()
    assert "理解相关方的需求和期望" in html and "信息安全管理" in html
    assert "Understanding the needs and expectations of interested parties" not in html

    evidence_page = client_for("auditor").get(f"{PAGE}8.3.2/", query)
    assert evidence_page.status_code == 200
    numbers = set(RecordIndex.objects.filter(record_type="service_contract", contract_ref=contract.pk)
                  .values_list("number", flat=True))
    assert numbers and all(number in evidence_page.content.decode() for number in numbers)
    assert client_for("auditor").get(f"{PAGE}99.9/").status_code == 404

    assert client_for("sales").get(PAGE).status_code == 403
    assert client_for("auditor").get(PAGE, {"start": "2026-05-01", "end": "2026-01-01"}).status_code == 200


def test_clause_map_exports_csv_and_xlsx_audited(demo, client_for, rules_in_the_map):
    contract = a_contract_with_records()
    query = {"start": "2000-01-01", "end": timezone.localdate().isoformat(), "contract": contract.pk}
    scope = AuditScope.of([contract], [], date(2000, 1, 1), timezone.localdate())
    rows = {row.clause.id: row for row in evidence(clausemap.load(), scope)}
    before = AuditEntry.objects.filter(action=AuditAction.EXPORT).count()

    response = client_for("auditor").get(PAGE, {**query, "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == "Clause" and len(table) == 1 + len(rows)
    line = next(r for r in table if r[0] == "8.3.2")
    assert line[1] == "Business relationship management" and line[2] == "7.2" and line[3] == "7.2"
    assert int(line[6]) == rows["8.3.2"].issued and int(line[7]) == rows["8.3.2"].open

    xlsx = client_for("auditor", language="zh-hans").get(PAGE, {**query, "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    titles = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles["8.3.3"] == "服务级别管理"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == before + 2


# ---- API ----

def test_api_gives_the_map_and_the_evidence(demo, client_for, rules_in_the_map):
    contract = a_contract_with_records()
    client = client_for("auditor")
    listed = client.get(API)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [c.id for c in clausemap.load().clauses]
    sources = client.get(f"{API}sources/").json()
    assert sources[0]["file"] == "iso20000-1.toml"

    query = {"start": "2000-01-01", "end": timezone.localdate().isoformat(), "contract": contract.pk}
    answer = client.get(f"{API}evidence/", query)
    assert answer.status_code == 200
    scope = AuditScope.of([contract], [], date(2000, 1, 1), timezone.localdate())
    expected = expected_counts(scope)
    for row in answer.json():
        for type_evidence in row["record_types"]:
            assert type_evidence["issued"] == expected.get(type_evidence["code"], {}).get("issued", 0)
            assert type_evidence["open"] == expected.get(type_evidence["code"], {}).get("open", 0)

    one = client.get(f"{API}8.3.4.1/", query)
    assert one.status_code == 200 and one.json()["clause"]["checks"] == ["SUP-1"]
    assert one.json()["clause"]["editions"][0] == {"edition": "ISO/IEC 20000-1:2005", "clause": "7.3",
                                                    "title": "Supplier management"}
    chinese = client_for("auditor", language="zh-hans").get(f"{API}8.3.4.1/", query)
    assert chinese.json()["clause"]["title"] == "外部供方的管理"
    assert client.get(f"{API}99.9/").status_code == 404
    assert client.get(f"{API}evidence/", {"start": "2026-05-01", "end": "2026-01-01"}).status_code == 400
    assert client_for("sales").get(API).status_code == 403
