"""Reading a file or a source object with an import profile (servicedata.intake.spec): the edge cases of real
exports, each against values written out by hand here."""

import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from core.tabular import FileError
from servicedata.intake import builtin
from servicedata.intake.spec import (
    EXCLUDED,
    HISTORY,
    ORIGINAL,
    ProfileSpec,
    lookup,
)
from servicedata.intake.times import parse_with_format, valid_date_format

BJ = ZoneInfo("Asia/Shanghai")



def spec(**data):
    data.setdefault("columns", {"external_id": "id", "priority": "priority", "created": "created"})
    return ProfileSpec.from_dict(data)


def rows(profile, data: bytes, fmt="csv"):
    reader = profile.open_reader(fmt, io.BytesIO(data), len(data))
    return reader, list(reader.rows())


def plain(record):
    return {k: v for k, v in record.items() if k not in (ORIGINAL, EXCLUDED)}


# ---- tables ----------------------------------------------------------------------------------------------------


def test_repeated_column_names_give_the_first_non_empty_value():
    profile = spec(columns={"external_id": "Issue key", "priority": "Priority", "created": "Created",
                            "summary": "Comment"})
    data = (b"Issue key,Comment,Priority,Comment,Created,Comment\n"
            b"A-1,,P1,second,2026-03-02 09:00,third\n"
            b"A-2,first,P2,second,2026-03-02 10:00,\n"
            b"A-3,,P3,,2026-03-02 11:00,\n")
    reader, read = rows(profile, data)
    assert [r.get("summary", None) for _n, r in read] == ["second", "first", None]
    assert reader.header == ["Issue key", "Comment", "Priority", "Comment", "Created", "Comment"]
    assert reader.ignored_columns == []


def test_multi_line_quoted_field_and_row_numbers():
    profile = spec(columns={"external_id": "id", "priority": "priority", "created": "created",
                            "summary": "summary"})
    data = (b'id,priority,created,summary\n'
            b'1,P1,2026-03-02 09:00,"first line\nsecond line, with a comma\n""quoted"""\n'
            b'2,P2,2026-03-02 10:00,plain\n')
    _reader, read = rows(profile, data)
    assert [n for n, _r in read] == [4, 5]  # the line where each record ends, as core.tabular counts
    assert read[0][1]["summary"] == 'first line\nsecond line, with a comma\n"quoted"'


def test_semicolon_separated_and_columns_compared_loosely():
    profile = spec(columns={"external_id": "ID", "priority": "Priority", "created": "Opening date",
                            "category": "Category"})
    data = b"id;PRIORITY;opening_date;Category;Entity\n7;P3;2026-03-02 09:30;Network > Mail;Root\n"
    reader, read = rows(profile, data)
    assert plain(read[0][1]) == {"external_id": "7", "priority": "P3", "category": "Network > Mail",
                                 "created": datetime(2026, 3, 2, 9, 30)}
    assert reader.ignored_columns == ["Entity"]


def test_encodings_auto_and_given():
    text = "编号,优先级,创建日期,标题\n1,1,2026-03-02 09:00,打印机卡纸\n"
    columns = {"external_id": "编号", "priority": "优先级", "created": "创建日期", "summary": "标题"}
    for encoding in ("auto", "gb18030"):
        _reader, read = rows(spec(columns=columns, encoding=encoding), text.encode("gb18030"))
        assert read[0][1]["summary"] == "打印机卡纸"
    _reader, read = rows(spec(columns=columns, encoding="utf-8"), ("\ufeff" + text).encode("utf-8"))
    assert read[0][1]["external_id"] == "1"  # the BOM is not part of the first column's name
    with pytest.raises(FileError) as error:  # GB18030 bytes read as UTF-8: named where they are
        rows(spec(columns=columns, encoding="utf-8"), text.encode("gb18030"))
    assert "UTF-8" in error.value.message


def test_a_missing_required_column_is_named():
    with pytest.raises(FileError) as error:
        rows(spec(), b"id,priority,opened\n1,P1,2026-03-02 09:00\n")
    assert error.value.field == "created"
    assert "created: created" in error.value.message
    # a default priority makes the priority column optional
    _reader, read = rows(spec(defaults={"priority": "P4"}), b"id,created\n1,2026-03-02 09:00\n")
    assert read[0][1]["priority"] == "P4" and "priority" not in read[0][1][ORIGINAL]


def test_xlsx_cells_keep_their_types():
    book = Workbook()
    sheet = book.active
    sheet.append(["Number", "Priority", "State", "Opened", "Resolved"])  # ServiceNow's Excel export: labels
    sheet.append(["INC1", 1, 7.0, datetime(2026, 3, 2, 9, 0), "2026-03-02 15:00:00"])
    sheet.append([None, None, None, None, None])
    sheet.append(["INC2", "5 - Planning", "New", datetime(2026, 3, 3, 9, 0), None])
    out = io.BytesIO()
    book.save(out)
    profile = builtin.get("servicenow-table")
    assert builtin.sniff("xlsx", io.BytesIO(out.getvalue())) is profile
    _reader, read = rows(profile, out.getvalue(), "xlsx")
    assert [n for n, _r in read] == [2, 4]
    first, second = read[0][1], read[1][1]
    assert (first["priority"], first["status"]) == ("P1", "closed")  # 1 and 7.0 as the codes 1 and 7
    assert first["created"] == datetime(2026, 3, 2, 9, 0) and first["resolved"] == datetime(2026, 3, 2, 15, 0)
    assert first[ORIGINAL]["created"] == "2026-03-02T09:00:00"
    assert second[EXCLUDED] == ("priority", "5 - Planning")


# ---- JSON ------------------------------------------------------------------------------------------------------


OBJECTS = [{"id": "1", "priority": "P1", "created": "2026-03-02T09:00:00+08:00"},
           {"id": "2", "priority": "P2", "created": "2026-03-02T10:00:00+08:00"}]


def test_json_array_lines_and_saved_responses():
    profile = spec(records_path="page.items")
    as_array = json.dumps(OBJECTS).encode()
    as_lines = "\n".join(json.dumps(o) for o in OBJECTS).encode()
    as_response = json.dumps({"total": 2, "page": {"items": OBJECTS}}).encode()
    for data in (as_array, as_lines, as_response):
        reader, read = rows(profile, data, "json")
        assert [(n, r["external_id"]) for n, r in read] == [(1, "1"), (2, "2")]
        assert reader.header == ["id", "priority", "created"]
    reader = profile.open_reader("json", io.BytesIO(as_response), len(as_response))
    list(reader.rows())
    assert reader.fraction() == 1.0
    with pytest.raises(FileError) as error:
        rows(spec(records_path="result"), as_response, "json")
    assert error.value.field == "result"
    with pytest.raises(FileError):
        rows(profile, b'{"page": {"items": [1, ', "json")
    with pytest.raises(FileError) as error:
        rows(profile, b"[1, 2]", "json")
    assert error.value.row == 1


def test_json_paths():
    obj = {"key": "SD-1", "a.b": "dotted", "fields": {"priority": {"name": "High"}, "cycles": [
        {"stop": {"iso8601": "2026-03-02T09:30:00+0800"}}, {"stop": {"iso8601": "2026-03-02T11:00:00+0800"}}]}}
    assert lookup(obj, "fields.priority.name") == "High"
    assert lookup(obj, "fields.cycles.0.stop.iso8601") == "2026-03-02T09:30:00+0800"
    assert lookup(obj, "fields.cycles.-1.stop.iso8601") == "2026-03-02T11:00:00+0800"
    assert lookup(obj, "fields.cycles.2.stop") is None and lookup(obj, "fields.priority.name.x") is None
    assert lookup(obj, "a.b") == "dotted"
    profile = spec(columns={"external_id": "key", "priority": ["fields.missing", "fields.priority.name"],
                            "created": "created", "first_response": "fields.cycles.0.stop.iso8601"},
                   values={"priority": {"High": "P2"}})
    record = profile.read(obj)
    assert record["priority"] == "P2" and record[ORIGINAL]["priority"] == "High"
    assert record["first_response"] == datetime(2026, 3, 2, 9, 30, tzinfo=BJ)
    assert list(profile.records([obj, "not an object"]))[1] == (2, {ORIGINAL: {}})
    assert profile.items({"x": 1}) == [] and spec(records_path="issues").items({"issues": [obj]}) == [obj]


# ---- values ----------------------------------------------------------------------------------------------------


def test_value_maps_exclusion_defaults_and_originals():
    profile = spec(columns={"external_id": "number", "priority": "priority", "created": "opened_at",
                            "status": "state", "category": "category"},
                   values={"priority": {"1 - Critical": "P1", "5 - Planning": "exclude"},
                           "status": {"7": "closed", "On Hold": "pending"}},
                   defaults={"category": "general"})
    record = profile.read({"number": "INC1", "priority": "1 - critical ", "opened_at": "2026-03-02 09:00:00",
                           "state": 7, "category": ""})
    assert plain(record) == {"external_id": "INC1", "priority": "P1", "status": "closed", "category": "general",
                             "created": datetime(2026, 3, 2, 9, 0)}
    assert record[ORIGINAL] == {"external_id": "INC1", "priority": "1 - critical ", "created": "2026-03-02 09:00:00",
                                "status": 7}
    excluded = profile.read({"number": "INC2", "priority": "5 - Planning", "opened_at": "2026-03-02 09:00:00",
                             "state": "onhold"})
    assert excluded[EXCLUDED] == ("priority", "5 - Planning")
    assert excluded["status"] == "pending"  # compared without case, spaces, dashes and underscores
    unmapped = profile.read({"number": "INC3", "priority": "Urgent", "opened_at": "", "state": "New"})
    assert (unmapped["priority"], unmapped["status"]) == ("Urgent", "New")  # on to the normaliser's aliases
    assert "created" not in unmapped and EXCLUDED not in unmapped


# ---- times -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, fmt, expected", [
    ("25/Feb/26 10:17 PM", "%d/%b/%y %I:%M %p", datetime(2026, 2, 25, 22, 17)),
    ("25/feb/26 12:05 AM", "%d/%b/%y %I:%M %p", datetime(2026, 2, 25, 0, 5)),
    ("01/Dec/25 12:30 PM", "%d/%b/%y %I:%M %p", datetime(2025, 12, 1, 12, 30)),
    ("2026/2/25 9:05", "%Y/%m/%d %H:%M", datetime(2026, 2, 25, 9, 5)),
    ("25 September 2026 08:00", "%d %B %Y %H:%M", datetime(2026, 9, 25, 8, 0)),
    ("2026-03-02 09:00:00 +0800", "%Y-%m-%d %H:%M:%S %z", datetime(2026, 3, 2, 1, 0, tzinfo=UTC)),
    ("25/Feb/26 22:17", "%d/%b/%y %I:%M %p", None),
    ("31/Feb/26 10:17 PM", "%d/%b/%y %I:%M %p", None),
])
def test_date_formats_without_the_process_locale(text, fmt, expected):
    assert parse_with_format(text, fmt) == expected


def test_valid_date_formats():
    assert valid_date_format("%d/%b/%y %I:%M %p") and valid_date_format("%Y/%m/%d")
    assert not valid_date_format("%Q-%d") and not valid_date_format("no directive")


def test_iso_first_then_formats_in_the_source_zone():
    profile = spec(date_formats=["%d/%b/%y %I:%M %p", "%Y/%m/%d %H:%M"], time_zone="UTC",
                   columns={"external_id": "id", "priority": "p", "created": "c", "resolved": "r",
                            "closed": "x", "first_response": "f"})
    record = profile.read({"id": "1", "p": "P1", "c": "2026-03-02 01:00:00", "f": "2/Mar/26 1:20 AM",
                           "r": "2026-03-02T10:00:00+08:00", "x": "soon"})
    assert record["created"] == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert record["first_response"] == datetime(2026, 3, 2, 1, 20, tzinfo=UTC)
    assert record["resolved"] == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # its own offset kept
    assert record["closed"] == "soon"  # no format fits: the normaliser reports it on its field
    naive = spec(columns=profile.columns, date_formats=profile.date_formats).read({"c": "2026/3/2 9:05"})
    assert naive["created"] == datetime(2026, 3, 2, 9, 5) and naive["created"].tzinfo is None
    zero = spec(columns=profile.columns).read({"c": "2026-03-02", "r": "0000-00-00 00:00:00"})
    assert zero["created"] == datetime(2026, 3, 2) and "resolved" not in zero


def test_first_response_in_minutes_and_pause_columns():
    profile = spec(columns={"external_id": "Id", "priority": "Priority", "created": "Created at",
                            "first_response_minutes": "First reply time in minutes",
                            "pause_start": "Pending since", "pause_end": "Pending until"},
                   date_formats=["%Y-%m-%d %H:%M:%S %z"])
    record = profile.read({"Id": "1", "Priority": "High", "Created at": "2026-03-02 10:00:00 +0800",
                           "First reply time in minutes": "25", "Pending since": "2026-03-02 11:00:00 +0800",
                           "Pending until": ""})
    created = datetime(2026, 3, 2, 10, 0, tzinfo=BJ)
    assert record["first_response"] == created + timedelta(minutes=25)
    assert record["pauses"] == [(created + timedelta(hours=1), None)]
    assert "first_response_minutes" not in record and "pause_start" not in record
    assert profile.read({"Created at": "", "First reply time in minutes": "12"})["first_response"] == "12"
    assert profile.read({"Created at": "2026-03-02 10:00:00 +0800",
                         "First reply time in minutes": "n/a"})["first_response"] == "n/a"


def test_pauses_text_read_with_the_profile_formats():
    profile = spec(columns={"external_id": "id", "priority": "p", "created": "c", "pauses": "pauses"},
                   date_formats=["%Y/%m/%d %H:%M"])
    record = profile.read({"pauses": "2026/3/3 9:00 ~ 2026/3/3 11:00; 2026-03-04 09:00/"})
    assert record["pauses"] == [(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 11)), (datetime(2026, 3, 4, 9), None)]
    assert profile.read({"pauses": "yesterday/today"})["pauses"] == "yesterday/today"  # reported by the normaliser


# ---- status history --------------------------------------------------------------------------------------------


HISTORY_PROFILE = dict(columns={"external_id": "id", "priority": "p", "created": "c", "first_response": "f",
                                "pauses": "pauses"},
                       first_response_statuses=["In Progress"], pause_statuses=["On Hold", "Waiting for customer"])


def at(day, hh, mm=0):
    return datetime(2026, 3, day, hh, mm, tzinfo=BJ)


def test_history_gives_first_response_and_pauses():
    profile = spec(**HISTORY_PROFILE)
    history = [  # given out of order: read oldest first
        {"at": "2026-03-03T10:00:00+08:00", "status": "In Progress"},
        {"at": "2026-03-02T09:00:00+08:00", "status": "New"},
        {"at": "2026-03-02T09:30:00+08:00", "status": "in progress"},
        {"at": "2026-03-02T11:00:00+08:00", "status": "On Hold"},
        {"at": "2026-03-02T14:00:00+08:00", "status": "Waiting for customer"},  # still waiting: one pause
        {"at": "2026-03-04T09:00:00+08:00", "status": "Waiting for customer"},
        {"at": "nonsense", "status": "In Progress"},
    ]
    record = profile.read({"id": "1", HISTORY: history})
    assert record["first_response"] == at(2, 9, 30)
    assert record["pauses"] == [(at(2, 11), at(3, 10)), (at(4, 9), None)]  # the last one still open


def test_columns_win_over_history():
    profile = spec(**HISTORY_PROFILE)
    history = [{"at": "2026-03-02T09:30:00+08:00", "status": "In Progress"},
               {"at": "2026-03-02T11:00:00+08:00", "status": "On Hold"}]
    record = profile.read({"f": "2026-03-02T09:10:00+08:00", "pauses": "2026-03-02T12:00:00+08:00/"
                           "2026-03-02T13:00:00+08:00", HISTORY: history})
    assert record["first_response"] == at(2, 9, 10)
    assert record["pauses"] == [(at(2, 12), at(2, 13))]
    assert "first_response" not in spec(**HISTORY_PROFILE).read({HISTORY: [{"at": "2026-03-02", "status": "New"}]})


def test_jira_changelog_is_a_status_history():
    profile = builtin.get("jira-rest")
    issue = {"key": "SD-9", "fields": {"priority": {"name": "Low"}, "created": "2026-03-02T09:00:00.000+0800"},
             "changelog": {"histories": [
                 {"created": "2026-03-02T09:40:00.000+0800", "items": [
                     {"field": "assignee", "toString": "Li Wei"},
                     {"field": "status", "fromString": "Waiting for support", "toString": "In Progress"}]},
                 {"created": "2026-03-02T10:00:00.000+0800", "items": [
                     {"field": "status", "fromString": "In Progress", "toString": "Waiting for customer"}]},
                 {"created": "2026-03-02T15:00:00.000+0800", "items": [
                     {"field": "status", "fromString": "Waiting for customer", "toString": "In Progress"}]}]}}
    record = profile.read(issue)
    assert record["first_response"] == at(2, 9, 40)
    assert record["pauses"] == [(at(2, 10), at(2, 15))]
    given = profile.read({**issue, HISTORY: [{"at": "2026-03-02T09:50:00+08:00", "status": "In Progress"}]})
    assert given["first_response"] == at(2, 9, 50) and "pauses" not in given  # a connector's history wins


# ---- recognising a file ----------------------------------------------------------------------------------------


def test_recognise_picks_the_longest_signature_the_header_holds():
    assert builtin.recognise(["Issue key", "Issue id", "Issue Type", "Status", "Priority", "Created"]).key == \
        "jira-csv"
    assert builtin.recognise(["number", "opened_at", "priority", "state", "sys_id"]).key == "servicenow-rest"
    assert builtin.recognise(["number", "opened_at", "priority", "state", "sys_id"], "csv").key == \
        "servicenow-table"
    assert builtin.recognise(["external_id", "priority", "created", "Status"]).key == "servplan"
    assert builtin.recognise(["2", "1", "12", "3", "15", "80"]).key == "glpi-rest"
    assert builtin.recognise(["Ticket", "When"]) is None
    assert builtin.recognise([]) is None
