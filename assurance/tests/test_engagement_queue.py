"""The external auditor's home page: the audits open to them, due when their access ends."""

from django.utils import timezone

from assurance.models import AuditEngagement
from core.worklist import items_for


def test_the_external_auditor_finds_their_audit_on_the_home_page(client_for, demo):
    engagement = AuditEngagement.objects.get(auditors=demo["ext_auditor"])
    items = [item for item in items_for(demo["ext_auditor"]) if item.key == f"audit_engagement:{engagement.pk}"]
    assert len(items) == 1 and items[0].due == timezone.localdate(engagement.access_until)
    assert engagement.title in items[0].title and items[0].url == engagement.get_absolute_url()
    page = client_for("ext_auditor").get("/")
    assert engagement.get_absolute_url() in page.content.decode()


def test_nobody_else_gets_it_and_it_ends_with_the_access(demo):
    engagement = AuditEngagement.objects.get(auditors=demo["ext_auditor"])
    assert not any(i.key.startswith("audit_engagement:") for i in items_for(demo["mr"]))
    AuditEngagement.objects.filter(pk=engagement.pk).update(access_until=timezone.now() - timezone.timedelta(hours=1))
    fresh = type(demo["ext_auditor"]).objects.get(pk=demo["ext_auditor"].pk)
    assert not any(i.key.startswith("audit_engagement:") for i in items_for(fresh))
