"""The summary report's form: the PM's commentary, handover and lessons learned (the figures are generated)."""

from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import FormsetFormMixin, RowFormSet
from core.rows import ensure_editable
from projects.forms.project import ProjectRecordForm

from ..models import Lesson, SummaryReport

LessonFormSet = inlineformset_factory(SummaryReport, Lesson, formset=RowFormSet,
                                      fields=["kind", "description", "recommendation"], extra=2, can_delete=True)


class SummaryReportForm(FormsetFormMixin, ProjectRecordForm):
    formset_classes = {"lessons": LessonFormSet}

    fieldsets = (
        (_("Report"), ("project", "title", "owner_department", "confidentiality")),
        (_("Commentary"), ("conclusion", "objectives_commentary", "delivery_commentary", "cost_commentary",
                           "handover", "change_note")),
    )

    class Meta(ProjectRecordForm.Meta):
        model = SummaryReport
        fields = ["project", "title", "owner_department", "confidentiality", "conclusion", "objectives_commentary",
                  "delivery_commentary", "cost_commentary", "handover", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["title"].required = False
        self.build_formsets(self.data or None, self.files or None)

    def clean_title(self):
        from ..services.summary import default_title

        title = (self.cleaned_data.get("title") or "").strip()
        project = self.cleaned_data.get("project") or getattr(self.instance, "project", None)
        return title or (default_title(project) if project else title)

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)
