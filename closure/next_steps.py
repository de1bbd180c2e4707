"""Next-step buttons the closure stage puts on earlier stages' pages (core.extensions.register_action)."""


def register():
    pass


# ---- internal review and acceptance certificate ----
def _review_actions(project, user):
    from django.urls import reverse
    from django.utils.translation import gettext as _t

    from core.extensions import Action

    from .services import review

    current = review.review_of(project)
    if current is not None:
        yield Action(_t("Internal review %(number)s") % {"number": current.number}, current.get_absolute_url(),
                     icon="clipboard-check", key="internal-review")
    elif review.may_start_review(project, user) and project.status == "open":
        yield Action(_t("Start the internal review"), reverse("closure:internalreview_start", args=[project.pk]),
                     icon="clipboard-check", key="start-internal-review")


def register_review_actions():
    from core.extensions import register_action

    register_action("projects.project", _review_actions)
