from core.forms import ModelForm

from .models import NotificationPreference


class PreferenceForm(ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_mode", "language"]
