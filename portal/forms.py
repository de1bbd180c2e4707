from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("What the contact signs in with, e.g. their e-mail address."))
    email = forms.EmailField(label=_("E-mail"), required=False)
