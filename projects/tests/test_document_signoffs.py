"""Who reviewed and who approved, as printed on an exported document: from the approval trail (issue 11)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.exporting import build_document
from core.models import TransitionLog
from projects.models import InitiationApplication

pytestmark = pytest.mark.django_db


def test_two_step_approval_prints_the_department_as_reviewer_and_the_division_as_approver(demo):
    application = InitiationApplication.objects.filter(status="approved").order_by("-pk").first()
    log = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(InitiationApplication),
                                       object_id=application.pk)
    department = log.filter(transition="approve_department").latest("at").user
    division = log.filter(transition="approve").latest("at").user
    assert len({department.pk, division.pk, application.author_id}) == 3
    document = build_document(application, language="en")
    names = {line.role_label: line.name for line in document.signatures}
    assert names == {"Prepared by": str(application.author), "Reviewed by": str(department),
                     "Approved by": str(division)}
