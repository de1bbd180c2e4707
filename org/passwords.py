"""Password rules of our own, next to Django's validators (see AUTH_PASSWORD_VALIDATORS)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NamePlusDigitsValidator:
    """Refuses a password made of the user's name (user name, given or family name) and digits, e.g. "jsmith2026".

    Django's similarity check lets such a password through once enough digits are added; the name is the first
    thing an attacker who knows the user tries.
    """

    def validate(self, password, user=None):
        if user is None:
            return
        letters = re.sub(r"[\d\W_]+", "", password).casefold()
        if letters and letters in self.names_of(user):
            raise ValidationError(_("The password is a name plus digits: the user's name is easily guessed."),
                                  code="password_name_plus_digits")

    @staticmethod
    def names_of(user):
        parts = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name")]
        username, given, family = (re.sub(r"[\d\W_]+", "", part).casefold() for part in parts)
        return {name for name in (username, given, family, given + family, family + given) if name}

    def get_help_text(self):
        return _("Your password can't be your name or user name plus digits.")
