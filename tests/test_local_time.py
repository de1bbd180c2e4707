"""Times in the reader's zone and language, on pages, in history, in e-mails and exports (issue 11).

A meeting entered for 14:00 Beijing time is 06:00 UTC in the database; a reader in the company's zone reads
`14:00`, one who chose London reads `06:00`, nobody reads `+00:00`, seconds or microseconds.
"""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from core import display

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def meeting(demo):
    from reporting.models import QualityMeeting

    meeting = QualityMeeting.objects.order_by("pk").first()
    start = datetime.datetime(2026, 11, 12, 14, 0, tzinfo=SHANGHAI)
    QualityMeeting.objects.filter(pk=meeting.pk).update(start=start, end=start + datetime.timedelta(hours=2),
                                                        agenda=["1. 本月服务状况", "2、未关闭问题"])
    meeting.refresh_from_db()
    return meeting


def test_display_reads_every_kind_of_value():
    moment = datetime.datetime(2026, 11, 30, 2, 30, 15, 123456, tzinfo=datetime.UTC)  # 10:30 in Shanghai
    with translation.override("zh-hans"), timezone.override(SHANGHAI):
        assert display.value(moment) == "2026-11-30 10:30"
        assert display.value(["a@x.cn", "b@x.cn"]) == "a@x.cn、b@x.cn"
        assert display.value(True) == "是"
        assert display.value(None) == display.value([]) == "—"
        assert display.local_date(datetime.datetime(2026, 11, 29, 17, 0, tzinfo=datetime.UTC)) \
            == datetime.date(2026, 11, 30)  # signed on the 30th local, the 29th in UTC
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        assert display.value(moment) == "2026-11-30 02:30"
        assert display.value(["a", "b"]) == "a, b"
        assert display.value(Decimal("5000.00")) == "5000.00"
        assert display.value(datetime.date(2026, 1, 2)) == "2026-01-02"


def test_a_generated_note_reads_in_the_readers_language():
    from django.utils.translation import gettext_noop

    note = display.message(gettext_noop("Signed with contract %(contract)s v%(v)s."), contract="SP-CON-1", v=2)
    with translation.override("zh-hans"):
        chinese = display.readable(note)
    with translation.override("en"):
        english = display.readable(note)
    assert english == "Signed with contract SP-CON-1 v2."
    assert "SP-CON-1" in chinese and chinese != english and "Signed" not in chinese
    assert display.readable("typed by a person") == "typed by a person"


def test_the_meeting_page_shows_the_time_in_the_readers_zone(meeting, client_for, demo):
    url = f"/reporting/qualitymeeting/{meeting.pk}/"
    page = client_for("svc_manager", "zh-hans").get(url).content.decode()
    assert "2026-11-12 14:00" in page and "+00:00" not in page and "06:00:00" not in page
    user = demo["svc_manager"]
    user.time_zone = "Europe/London"
    user.save(update_fields=["time_zone"])
    page = client_for("svc_manager", "en").get(url).content.decode()
    assert "2026-11-12 06:00" in page and "2026-11-12 14:00" not in page


def test_a_numbered_agenda_is_numbered_once(meeting, client_for):
    page = client_for("svc_manager", "zh-hans").get(f"/reporting/qualitymeeting/{meeting.pk}/").content.decode()
    assert "<li>本月服务状况</li>" in page and "<li>未关闭问题</li>" in page and "1. 本月" not in page


def test_my_settings_sets_language_and_zone(client_for, demo):
    client = client_for("pm", "zh-hans")
    page = client.get("/org/me/")
    assert page.status_code == 200 and "我的设置" in page.content.decode()
    response = client.post("/org/me/", {"language": "en", "time_zone": "America/New_York",
                                        "email": "pm@demo.example.com", "phone": ""})
    assert response.status_code == 302
    demo["pm"].refresh_from_db()
    assert (demo["pm"].language, demo["pm"].time_zone) == ("en", "America/New_York")
    page = client.get("/org/me/").content.decode()  # the chosen language wins over the browser's
    assert "My settings" in page and "我的设置" not in page


def test_the_header_language_switch_is_remembered(client_for, demo):
    client = client_for("sales", "zh-hans")
    client.post("/org/language/", {"language": "en", "next": "/"})
    demo["sales"].refresh_from_db()
    assert demo["sales"].language == "en"


def test_an_invitation_is_written_in_each_invitees_language_and_zone(meeting, demo):
    from reporting.services.meetings import send_invitation

    london = demo["member"]
    london.language, london.time_zone = "en", "Europe/London"
    london.save(update_fields=["language", "time_zone"])
    meeting.attendees.get_or_create(user=london)
    mail.outbox.clear()
    send_invitation(meeting, demo["svc_manager"])
    by_recipient = {address: message for message in mail.outbox for address in message.to}
    english, chinese = by_recipient[london.email], by_recipient[demo["svc_manager"].email]
    assert english is not chinese
    assert "2026-11-12 06:00" in english.body and "Europe/London" in english.body and "Agenda:" in english.body
    assert "2026-11-12 14:00" in chinese.body and "议程" in chinese.body
    assert "1. 本月服务状况" in chinese.body and "1. 1." not in chinese.body
    for message in mail.outbox:
        assert "+00:00" not in message.body and ":00:00" not in message.body


def test_history_reads_names_labels_and_local_times(client_for, demo):
    from reporting.models import MonthlyServiceReport

    report = MonthlyServiceReport.objects.exclude(issued_at=None).order_by("pk").first() \
        or MonthlyServiceReport.objects.order_by("pk").first()
    page = client_for("svc_manager", "en").get(report.get_absolute_url()).content.decode()
    history = page[page.index('id="history"'):]
    assert "{'" not in history and "[]" not in history and "None" not in history and "+00:00" not in history
    assert str(report.author) in history  # the full name, not the login name


def test_an_export_prints_local_dates(demo, client_for):
    """A record approved late on the 29th in UTC was approved on the 30th in Shanghai: the document says the 30th."""
    import docx

    from documents.models import ProcedureDocument

    document = ProcedureDocument.objects.exclude(approved_at=None).order_by("pk").first()
    late = datetime.datetime(2026, 11, 29, 17, 30, tzinfo=datetime.UTC)
    ProcedureDocument.objects.filter(pk=document.pk).update(approved_at=late)
    content = client_for("admin", "zh-hans").get(f"/documents/proceduredocument/{document.pk}/export/",
                                                 {"format": "docx"}).content
    parsed = docx.Document(io.BytesIO(content))
    text = "\n".join([p.text for p in parsed.paragraphs]
                     + [c.text for t in parsed.tables for r in t.rows for c in r.cells])
    assert "2026-11-30" in text and "2026-11-29" not in text


def test_the_audit_api_reads_a_generated_note_in_the_callers_language(client_for, demo):
    from core.models import AuditEntry

    entry = AuditEntry.objects.filter(comment__startswith=display.message("x")[:6]).order_by("-seq").first()
    assert entry is not None, "the demo writes generated notes"
    for language in ("en", "zh-hans"):
        body = client_for("auditor", language=language).get(f"/api/audit/{entry.seq}/").json()
        assert body["comment"] == entry.comment  # as stored: the hash covers it
        with translation.override(language):
            assert body["comment_text"] == display.readable(entry.comment) != entry.comment
        assert "i18n:" not in body["comment_text"]
