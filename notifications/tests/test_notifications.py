"""Notifications (issue 11, point 12): each work-queue item is told once, in the inbox and by e-mail (at once or
in a daily digest), in the reader's language; the calendar feed holds the due dates; nobody sees another's."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import workflow, worklist
from core.context import zone_of
from core.dashboard import awaiting
from core.models import RecordIndex
from core.registry import registry
from core.worklist import Item, Kind
from notifications.choices import EmailMode, NotificationKind
from notifications.models import Notification
from notifications.scheduler import build_scheduler, enqueue
from notifications.services import preference_for, send_digests, send_reminders
from notifications.signals import enqueue_reminders_once
from notifications.tasks import send_reminders_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    """Register work-queue sources for one test: source({username: [Item, ...]})."""
    added = []

    def register(owed):
        def owed_items(user, today):
            items = owed.get(user.username, [])
            return items(today) if callable(items) else items
        added.append(worklist.register(owed_items))
        return owed_items

    yield register
    for function in added:
        worklist.SOURCES.remove(function)


def today():
    return timezone.localdate()


def mails_to(user):
    return [message for message in mail.outbox if user.email in message.to]


def run_twice():
    send_reminders()
    first = len(mail.outbox)
    send_reminders()
    assert len(mail.outbox) == first, "a second run sends nothing new"


def test_an_approval_request_notifies_each_approver_once(demo):
    row = RecordIndex.objects.filter(record_type="annual_goals", status="draft", is_latest=True).first()
    record = {t.code: t for t in registry}[row.record_type].model.objects.get(pk=row.object_id)
    workflow.fire(record, "submit", record.author)
    approvers = [user for user in demo.values()
                 if awaiting(user).filter(record_type=row.record_type, object_id=row.object_id).exists()]
    assert approvers

    run_twice()

    for approver in approvers:
        told = Notification.objects.filter(recipient=approver, kind=NotificationKind.APPROVAL,
                                           key__startswith=f"approve:{row.record_type}:{row.object_id}:")
        assert told.count() == 1
        assert row.number in told.get().title
        messages = [m for m in mails_to(approver) if row.number in m.subject]
        assert len(messages) == 1
        assert "待您审批" in messages[0].subject, "e-mails are in Chinese until the reader chooses otherwise"
    assert not Notification.objects.filter(recipient=record.author, key__contains=f":{row.object_id}:v")\
        .filter(key__startswith=f"approve:{row.record_type}:").exists(), "the author is not asked to approve"


def test_an_overdue_action_is_told_once_to_its_owner(demo, source, settings):
    settings.SERVPLAN_SITE_URL = "http://testserver-site/"
    owner = demo["member"]
    source({"member": lambda day: [Item(key="action:test-1", kind=Kind.DUE, title="Replace the backup tape",
                                              url="/reporting/actionitem/1/", due=day - timedelta(days=1))]})
    run_twice()

    told = Notification.objects.get(recipient=owner, key="action:test-1")
    assert told.kind == NotificationKind.OVERDUE and told.due == today() - timedelta(days=1)
    assert Notification.objects.filter(key="action:test-1").count() == 1, "not escalated before the grace days"
    (message,) = mails_to(owner)
    assert "Replace the backup tape" in message.subject and "已逾期" in message.subject
    assert "http://testserver-site/reporting/actionitem/1/" in message.body


def test_a_due_report_is_told_once_and_again_when_it_becomes_overdue(demo, source, settings):
    owner = demo["svc_staff"]
    due = today() + timedelta(days=2)
    source({"svc_staff": [Item(key="monthly_report:test:2026-11", kind=Kind.WRITE, title="Monthly report due",
                               url="/reporting/monthlyservicereport/", due=due)]})
    run_twice()
    (told,) = Notification.objects.filter(key="monthly_report:test:2026-11")
    assert told.kind == NotificationKind.DUE and told.recipient == owner
    assert len(mails_to(owner)) == 1

    send_reminders(today=due + timedelta(days=1))
    send_reminders(today=due + timedelta(days=1))
    kinds = sorted(Notification.objects.filter(key="monthly_report:test:2026-11").values_list("kind", flat=True))
    assert kinds == [NotificationKind.DUE, NotificationKind.OVERDUE]
    assert len(mails_to(owner)) == 2


def test_a_new_undated_item_is_told_as_assigned(demo, source):
    source({"pm": [Item(key="write:initiation:test", kind=Kind.WRITE, title="Write the initiation application",
                        url="/projects/")]})
    run_twice()
    told = Notification.objects.get(key="write:initiation:test")
    assert told.kind == NotificationKind.ASSIGNED and told.recipient == demo["pm"] and told.due is None


def test_an_item_long_overdue_is_escalated_once_to_the_department_head(demo, source, settings):
    owner = demo["svc_staff"]
    head = owner.department.head
    assert head is not None and head != owner
    late = today() - timedelta(days=settings.SERVPLAN_ESCALATION_DAYS + 1)
    source({"svc_staff": [Item(key="action:test-late", kind=Kind.DUE, title="Late action", url="/reporting/",
                               due=late)]})
    run_twice()
    escalation = Notification.objects.get(key="action:test-late", kind=NotificationKind.ESCALATION)
    assert escalation.recipient == head and escalation.owner == owner
    assert len([m for m in mails_to(head) if "Late action" in m.subject]) == 1
    assert str(owner) in [m for m in mails_to(head) if "Late action" in m.subject][0].body


def test_the_email_is_in_the_recipients_language(demo, source):
    preference_for(demo["pm"]).__class__.objects.filter(user=demo["pm"]).update(language="zh-hans")
    preference_for(demo["svc_staff"]).__class__.objects.filter(user=demo["svc_staff"]).update(language="en")

    def report_item(day):
        return [Item(key="monthly_report:lang", kind=Kind.WRITE, title=_t("Monthly service report"),
                     url="/reporting/", due=day)]

    source({"pm": report_item, "svc_staff": report_item})
    send_reminders()
    (chinese,) = mails_to(demo["pm"])
    (english,) = mails_to(demo["svc_staff"])
    assert "服务月报" in chinese.subject and "到期" in chinese.subject and "Monthly" not in chinese.body
    assert "Monthly service report" in english.subject and "Due soon" in english.subject
    # The inbox reads in the reader's language, whatever language the e-mail was in.
    with timezone.override("UTC"):
        told = Notification.objects.get(recipient=demo["pm"], key="monthly_report:lang")
    assert told.titles == {"zh-hans": "服务月报", "en": "Monthly service report"}


def test_digest_readers_get_one_summary_a_day(demo, source):
    reader = demo["pm"]
    preference = preference_for(reader)
    preference.email_mode = EmailMode.DIGEST
    preference.save()
    source({"pm": [Item(key=f"digest:{n}", kind=Kind.WRITE, title=f"Digest item {n}", url="/", due=today())
                   for n in (1, 2)]})
    run_twice()
    assert not mails_to(reader), "a digest reader gets no e-mail per notification"

    local = timezone.localtime(timezone.now(), zone_of(reader))
    early = local.replace(hour=7, minute=30)
    assert send_digests(now=early) == 0 or not [m for m in mails_to(reader) if "Digest item" in m.body]
    morning = local.replace(hour=8, minute=5)
    send_digests(now=morning)
    send_digests(now=morning + timedelta(minutes=60))
    digests = [m for m in mails_to(reader) if "Digest item" in m.body]
    assert len(digests) == 1
    assert "Digest item 1" in digests[0].body and "Digest item 2" in digests[0].body
    assert not reader.notifications.filter(key__startswith="digest:", emailed_at__isnull=True).exists()


def test_the_inbox_and_the_api_show_only_ones_own(demo, source, client_for):
    source({"pm": [Item(key="own:pm", kind=Kind.WRITE, title="For the PM only", url="/")],
            "sales": [Item(key="own:sales", kind=Kind.WRITE, title="For sales only", url="/")]})
    send_reminders()
    pm, sales = client_for("pm"), client_for("sales")
    page = pm.get(reverse("notifications:notification_list")).content.decode()
    assert "For the PM only" in page and "For sales only" not in page
    listed = pm.get("/api/notifications/?page_size=500").json()
    titles = [row["title"] for row in listed.get("results", listed)]
    assert "For the PM only" in titles and "For sales only" not in titles

    others = Notification.objects.get(key="own:sales")
    assert pm.post(f"/api/notifications/{others.pk}/read/").status_code == 404
    assert pm.post(reverse("notifications:notification_read", args=[others.pk])).status_code == 404
    assert pm.get(reverse("notifications:notification_open", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.read_at is None

    mine = Notification.objects.get(key="own:pm")
    assert sales.post(f"/api/notifications/{mine.pk}/read/").status_code == 404
    assert pm.post(f"/api/notifications/{mine.pk}/read/").json()["read"] is True


def test_the_bell_counts_unread_and_reading_clears_it(demo, source, client_for):
    source({"pm": [Item(key="bell:1", kind=Kind.WRITE, title="Bell item", url="/projects/")]})
    send_reminders()
    client = client_for("pm")
    unread = Notification.objects.filter(recipient=demo["pm"], read_at__isnull=True).count()
    home = client.get("/").content.decode()
    assert f'id="notification-count">{unread}<' in home

    notification = Notification.objects.get(key="bell:1")
    response = client.get(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/"
    client.post(reverse("notifications:read_all"))
    assert 'id="notification-count"' not in client.get("/").content.decode()
    assert not Notification.objects.filter(recipient=demo["pm"], read_at__isnull=True).exists()


def test_the_settings_page_chooses_digest_and_language(demo, client_for):
    client = client_for("sales")
    response = client.post(reverse("notifications:notification_list"), {"email_mode": "digest", "language": "en"})
    assert response.status_code == 302
    preference = preference_for(demo["sales"])
    assert preference.email_mode == EmailMode.DIGEST and preference.language == "en"
    refused = client.post(reverse("notifications:notification_list"), {"email_mode": "weekly", "language": "en"})
    assert refused.status_code == 400


def test_the_calendar_feed_holds_the_due_dates_and_needs_its_token(demo, source, client, client_for):
    due = today() + timedelta(days=5)
    start = timezone.make_aware(datetime.combine(due, time(14, 0)))
    source({"pm": [Item(key="meeting:test", kind=Kind.DUE, title="Quality meeting", url="/reporting/", due=due),
                   Item(key="timed:test", kind=Kind.DUE, title="Held at its hour", url="/reporting/", due=due,
                        start=start, end=start + timedelta(hours=2)),
                   Item(key="undated:test", kind=Kind.WRITE, title="Undated", url="/")]})
    token = preference_for(demo["pm"]).calendar_token
    response = client.get(reverse("notifications:calendar", args=[token]))  # no session: calendar apps
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert "Undated" not in events
    event = events["Quality meeting"]
    assert event.decoded("dtstart") == due and event["dtstart"].params.get("VALUE") == "DATE"
    assert event.decoded("dtstamp").utcoffset() == timedelta(0)
    assert str(event["url"]).endswith("/reporting/")
    assert b"DTSTART;VALUE=DATE:" + due.strftime("%Y%m%d").encode() in response.content
    timed = events["Held at its hour"]
    assert timed.decoded("dtstart") == start and timed.decoded("dtend") == start + timedelta(hours=2)
    assert b"DTSTART:" + start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode() in response.content

    assert client.get(reverse("notifications:calendar", args=["not-the-token"])).status_code == 404
    client_for("pm").post(reverse("notifications:calendar_regenerate"))
    assert client.get(reverse("notifications:calendar", args=[token])).status_code == 404, "the old address is cut off"
    assert client.get(reverse("notifications:calendar", args=[preference_for(demo["pm"]).calendar_token])) \
        .status_code == 200


def test_an_item_is_recorded_once_per_person_and_kind(demo):
    Notification.objects.create(recipient=demo["pm"], kind=NotificationKind.DUE, key="once", url="/")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=demo["pm"], kind=NotificationKind.DUE, key="once", url="/")


def test_the_scheduler_enqueues_the_jobs_on_their_cron_and_the_worker_job_runs(demo, source, settings):
    from django_tasks_db.models import DBTaskResult

    scheduler = build_scheduler(run_now=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {send_reminders_task.name, "send_digests_task"} <= set(jobs)  # and other apps' jobs (core.schedule)
    start = datetime(2026, 11, 30, 9, 1, tzinfo=zone_of(demo["pm"]))
    fire = jobs[send_reminders_task.name].trigger.get_next_fire_time(None, start)
    assert (fire - start) <= timedelta(minutes=15) and fire.minute % 15 == 0

    enqueue(send_reminders_task)
    queued = DBTaskResult.objects.filter(task_path=send_reminders_task.module_path, status="READY")
    assert queued.exists()

    source({"pm": [Item(key="job:1", kind=Kind.WRITE, title="Told by the job", url="/")]})
    assert send_reminders_task.call() >= 1
    assert send_reminders_task.call() == 0
    assert Notification.objects.filter(key="job:1").count() == 1


def test_the_api_reads_and_changes_only_ones_own_settings(demo, client_for):
    pm = client_for("pm")
    (own,) = pm.get("/api/notifications/settings/").json()["results"]
    assert own["calendar_url"].endswith(".ics") and own["email_mode"] == EmailMode.IMMEDIATE
    assert pm.patch(f"/api/notifications/settings/{own['id']}/", {"email_mode": "digest"},
                    content_type="application/json").status_code == 200
    assert preference_for(demo["pm"]).email_mode == EmailMode.DIGEST
    sales = client_for("sales")
    assert sales.patch(f"/api/notifications/settings/{own['id']}/", {"email_mode": "none"},
                       content_type="application/json").status_code == 404
    assert client_for("auditor").patch("/api/notifications/settings/1/", {"email_mode": "none"},
                                       content_type="application/json").status_code == 403


def test_a_transition_enqueues_one_reminder_run_when_it_commits(demo, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.ready().filter(task_path=send_reminders_task.module_path)
    queued.delete()
    drafts = RecordIndex.objects.filter(record_type="annual_goals", status="draft", is_latest=True)
    row = drafts.first()
    record = {t.code: t for t in registry}[row.record_type].model.objects.get(pk=row.object_id)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(record, "submit", record.author)
    assert queued.count() == 1
    enqueue_reminders_once()  # another transition before a worker took the run
    assert queued.count() == 1, "one run waiting covers every transition since"

    send_reminders_task.call()
    assert Notification.objects.filter(key__startswith=f"approve:{row.record_type}:{row.object_id}:").exists()


# The reporting stage's own work-queue sources (reporting/worklist.py), as the demo company has them.

def test_a_real_overdue_action_is_told_once_to_its_owner_by_inbox_and_email(demo):
    from reporting.models import ActionItem, MeetingMinutes

    minutes = MeetingMinutes.objects.filter(successor__isnull=True).first()
    owner = demo["member"]
    action = ActionItem.objects.create(minutes=minutes, description="Renew the monitoring certificate",
                                       owner=owner, due_date=today() - timedelta(days=1))
    run_twice()

    (told,) = Notification.objects.filter(key=f"action:{action.pk}")
    assert told.recipient == owner and told.kind == NotificationKind.OVERDUE and told.due == action.due_date
    assert told.url == action.get_absolute_url()
    messages = [m for m in mails_to(owner) if "Renew the monitoring certificate" in m.subject]
    assert len(messages) == 1 and told.emailed_at is not None


def test_a_real_due_report_is_told_once_to_who_writes_it(demo):
    owed = [(user, item) for user in demo.values() if user.is_active
            for item in worklist.items_for(user) if item.key.startswith("monthly_report:")]
    assert owed, "the demo has monthly reports due or late"
    user, item = owed[0]
    Notification.objects.filter(key=item.key).delete()  # as if the report had just fallen due

    run_twice()

    told = Notification.objects.filter(recipient=user, key=item.key)
    # The most urgent kind that applies on the day the test runs (early in a month last month's report is not yet
    # within the reminder days of its due date: it is told as new work).
    from django.conf import settings

    expected_kind = NotificationKind.OVERDUE if item.due < today() else NotificationKind.DUE \
        if item.due <= today() + timedelta(days=settings.SERVPLAN_REMINDER_DAYS) else NotificationKind.ASSIGNED
    assert told.count() == 1 and told.get().kind == expected_kind
    expected = Notification.objects.filter(key=item.key).count()  # everyone who owes it, each once
    assert len([m for m in mail.outbox if told.get().titles["zh-hans"] in m.subject]) == expected
    assert len([m for m in mails_to(user) if told.get().titles["zh-hans"] in m.subject]) == 1


def test_the_calendar_feed_holds_the_real_due_dates(demo, client):
    from reporting.models import ActionItem

    action = ActionItem.objects.filter(status="open", minutes__successor__isnull=True).select_related("owner") \
        .filter(due_date__gte=today()).first() or ActionItem.objects.filter(status="open").first()
    owner = action.owner
    feed = client.get(reverse("notifications:calendar", args=[preference_for(owner).calendar_token]))
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    dated = {item.key: item.due for item in worklist.items_for(owner) if item.due}
    assert dated and {str(e["uid"]).removesuffix("@servplan"): e.decoded("dtstart") for e in events} == dated


def test_an_item_that_left_the_queue_is_done_and_no_longer_counted_or_digested(demo, source, client_for):
    owed = {"pm": [Item(key="leaves:1", kind=Kind.WRITE, title="Soon done", url="/", due=today())]}
    source(owed)
    preference = preference_for(demo["pm"])
    preference.email_mode = EmailMode.DIGEST
    preference.save()
    send_reminders()
    told = Notification.objects.get(key="leaves:1")
    assert told.resolved_at is None

    owed["pm"] = []  # written, approved or closed: the source no longer yields it
    send_reminders()
    told.refresh_from_db()
    assert told.resolved_at is not None and told.read_at is None
    assert not Notification.objects.filter(recipient=demo["pm"]).pending().filter(key="leaves:1").exists()
    send_digests(now=timezone.localtime(timezone.now(), zone_of(demo["pm"])).replace(hour=9))
    assert not [m for m in mails_to(demo["pm"]) if "Soon done" in m.body], "a digest leaves out what is done"
    listed = client_for("pm").get("/api/notifications/?unread=true&page_size=500").json()
    assert "leaves:1" not in [row["key"] for row in listed["results"]]

    owed["pm"] = [Item(key="leaves:1", kind=Kind.WRITE, title="Soon done", url="/", due=today())]
    send_reminders()  # back in the queue (returned): open again, not told twice
    told.refresh_from_db()
    assert told.resolved_at is None and Notification.objects.filter(key="leaves:1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_tell_each_item_once(demo, source):
    """Two runs of the job at the same moment (two schedulers, a restart overlapping): each item is recorded and
    e-mailed once, whichever run gets there first."""
    import threading

    from django.db import connection

    source({"pm": [Item(key=f"race:{n}", kind=Kind.WRITE, title=f"Race item {n}", url="/", due=today())
                   for n in range(3)]})
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            send_reminders()
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert Notification.objects.filter(key__startswith="race:").count() == 3
    assert sorted(m.subject for m in mails_to(demo["pm"]) if "Race item" in m.subject) == \
        sorted(f"[ServPlan] 即将到期：Race item {n}" for n in range(3))


def test_emails_follow_the_accounts_language_unless_chosen_here(demo, source, settings):
    from notifications.services import language_for

    user = demo["pm"]
    preference = preference_for(user)
    assert preference.language == "" and language_for(user, preference) == settings.LANGUAGE_CODE
    user.language = "en"  # the account's own language, where the user record has one (My settings)
    assert language_for(user, preference) == "en"
    preference.language = "zh-hans"
    assert language_for(user, preference) == "zh-hans"
