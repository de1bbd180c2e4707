from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import ModelForm

from .models import NotificationPreference


class PreferenceForm(ModelForm):
    language = forms.ChoiceField(label=_("Language of e-mails"), required=False,
                                 choices=[("", _("As my account"))] + list(settings.LANGUAGES))

    class Meta:
        model = NotificationPreference
        fields = ["email_mode", "language"]
