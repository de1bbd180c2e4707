"""makemessages that also extracts `gettext as _t` (used where `_` would shadow a loop variable)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_t"]
