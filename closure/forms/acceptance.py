"""Forms of the acceptance certificate: the certificate, requesting acceptance, the customer's decision (signed in or
through a link) and a paper copy's scan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, Form, FormsetFormMixin
from core.rows import ensure_editable
from projects.forms.project import ProjectRecordForm

from ..models.acceptance import AcceptanceCertificate, Decision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AcceptanceCertificateForm(FormsetFormMixin, ProjectRecordForm):
    """The certificate's wording; its criteria and results come from the passed review (generated, not typed)."""

    fieldsets = (
        (_("Certificate"), ("project", "review", "title", "owner_department", "confidentiality", "period_start",
                            "period_end", "deliverables", "statement", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = AcceptanceCertificate
        fields = ["project", "review", "title", "owner_department", "period_start", "period_end", "deliverables",
                  "statement", "confidentiality", "change_note"]
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from ..models.review import InternalReview, ReviewStatus

        self.fields["review"].queryset = InternalReview.objects.filter(status=ReviewStatus.APPROVED) \
            .select_related("project")
        if self.instance.pk:
            self.fields["review"].disabled = True
        self.formsets = {}

    def save_related(self, user):
        ensure_editable(self.instance)


class RequestAcceptanceForm(Form):
    contacts = forms.ModelMultipleChoiceField(label=_("Send a one-time signing link to"), queryset=None,
                                              required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Each contact gets a link by e-mail, valid for a set time "
                                                          "and usable once. Contacts who sign in to the customer view "
                                                          "can also accept there; a copy signed on paper can be "
                                                          "recorded later."))

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from customers.models import Contact

        with_address = ~Q(email="") | (Q(user__isnull=False) & ~Q(user__email=""))
        self.fields["contacts"].queryset = Contact.objects.filter(with_address, customer=customer) \
            .order_by("-primary", "name")


class DecisionForm(Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when rejecting: the reasons go back to the project team."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REJECTED and not (data.get("comments") or "").strip():
            self.add_error("comments", _("Give the reasons for rejecting."))
        return data


class SurveyFields(Form):
    """The satisfaction survey offered at acceptance (optional)."""

    score = forms.TypedChoiceField(label=_("How satisfied are you with the project's service? (optional)"),
                                   choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]], coerce=int,
                                   empty_value=None, required=False,
                                   help_text=_("5 very satisfied … 1 very dissatisfied."))
    survey_comment = forms.CharField(label=_("Comment on the service (optional)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))


class PortalDecisionForm(SurveyFields, DecisionForm):
    signer_title = forms.CharField(label=_("Your job title"), max_length=100)


class LinkDecisionForm(SurveyFields, DecisionForm):
    signer_name = forms.CharField(label=_("Your full name"), max_length=100)
    signer_title = forms.CharField(label=_("Your job title"), max_length=100)
    signer_organisation = forms.CharField(label=_("Your organisation"), max_length=200)
    certificate = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have read the certificate and confirm my name, title and organisation."))


class PaperDecisionForm(DecisionForm):
    scan = forms.FileField(label=_("Scan of the signed certificate"))
    signer_name = forms.CharField(label=_("Signer's full name"), max_length=100)
    signer_title = forms.CharField(label=_("Signer's job title"), max_length=100)
    signer_organisation = forms.CharField(label=_("Signer's organisation"), max_length=200)
    decided_on = forms.DateField(label=_("Signed on"), widget=DATE)
