from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.querysets import RestrictedQuerySet
from core.roles import AUDITORS, Role, may_sign_in

from .choices import TIME_ZONES, DepartmentKind


class Department(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent department"))
    head = models.ForeignKey("org.User", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("head"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name


class UserQuerySet(RestrictedQuerySet):
    def holding(self, roles):
        """Active users holding one of `roles`: whom a form offers as the owner of work those roles do (a task
        or action goes to delivery staff, never to the general manager or the auditor)."""
        return self.filter(is_active=True, role_assignments__role__in=list(roles)).distinct() \
            .select_related("department").order_by("department__code", "username")


class RestrictedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


# Who owns delivery work (quality objectives, plan risks, meeting actions): the service and project roles.
DELIVERY_ROLES = frozenset({Role.PROJECT_MANAGER, Role.TEAM_MEMBER, Role.SERVICE_STAFF, Role.SERVICE_MANAGER,
                            Role.TSD_STAFF, Role.TSD_DIRECTOR})


class User(AbstractUser):
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="members",
                                   verbose_name=_("department"))
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Empty: the browser's language, else the company's; the company's zone (settings.TIME_ZONE).
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, choices=TIME_ZONES)

    objects = RestrictedUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    def get_absolute_url(self):
        return reverse("org:user_detail", args=[self.pk])

    @cached_property
    def own_roles(self) -> frozenset[str]:
        """The roles the user holds now: a time-limited assignment counts only inside its window."""
        if not self.is_active:
            return frozenset()
        now = timezone.now()
        roles = {r.role for r in self.role_assignments.all() if r.valid_at(now)}
        if self.is_superuser:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    def get_session_auth_hash(self):
        """A session stays signed in only while the account may sign in (core.roles.may_sign_in): once its last
        time-limited role has ended, the hash a session was opened with no longer matches and Django ends it."""
        base = super().get_session_auth_hash()
        return base if may_sign_in(self) else salted_hmac("org.no-role-valid-now", base,
                                                          algorithm="sha256").hexdigest()

    @cached_property
    def delegated_roles(self) -> dict[str, "User"]:
        """Roles other users delegated to this one for now: role -> delegator."""
        roles = {}
        for delegation in Delegation.objects.active().filter(delegate=self).select_related("delegator"):
            for role in delegation.delegator.own_roles:
                if role not in (Role.ADMIN, *AUDITORS):
                    roles.setdefault(role, delegation.delegator)
        return roles

    @property
    def roles(self) -> frozenset[str]:
        return self.own_roles

    def has_role(self, *roles) -> bool:
        return bool(self.own_roles.intersection(roles))


class RoleAssignmentQuerySet(RestrictedQuerySet):
    def valid(self, at=None):
        """Assignments in force at `at` (now): open-ended ones, and time-limited ones inside their window."""
        at = at or timezone.now()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=at),
                           Q(valid_until__isnull=True) | Q(valid_until__gt=at))


class RoleAssignment(BaseModel):
    """A role held by a user: for good, or over a window (an external auditor's access to an external audit)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True,
                                      help_text=_("Empty: from the moment it is given."))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True,
                                       help_text=_("Empty: until it is taken away."))

    objects = RoleAssignmentQuerySet.as_manager()

    def valid_at(self, at) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and \
            (self.valid_until is None or at < self.valid_until)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="org_role_once_per_user",
                                    violation_error_message=_("The user already holds this role.")),
            models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                                   | Q(valid_until__gt=models.F("valid_from")), name="org_role_window_in_order",
                                   violation_error_message=_("A role's validity must end after it begins.")),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class DelegationQuerySet(RestrictedQuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(start__lte=at, end__gt=at, revoked=False)


class Delegation(BaseModel):
    """A user hands their approval rights to another for a period."""

    delegator = models.ForeignKey(User, models.PROTECT, related_name="delegations_given",
                                  verbose_name=_("delegator"))
    delegate = models.ForeignKey(User, models.PROTECT, related_name="delegations_received",
                                 verbose_name=_("delegate"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = DelegationQuerySet.as_manager()

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Users see the delegations they gave or received (administrators and auditors see all); only the
        delegator or an administrator changes one (org.services has the rest of the rules)."""
        if user.has_role(Role.ADMIN) or (action == "view" and user.has_role(*AUDITORS)):
            return queryset
        if action == "view":
            return queryset.filter(Q(delegator=user) | Q(delegate=user))
        return queryset.filter(delegator=user)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="org_delegation_end_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            models.CheckConstraint(condition=~Q(delegator=models.F("delegate")), name="org_delegation_not_self",
                                   violation_error_message=_("A user cannot delegate to themselves.")),
        ]

    def __str__(self):
        return f"{self.delegator} → {self.delegate}"
