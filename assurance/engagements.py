"""External audits: the certification body's auditors, the sample of contracts they audit, the access window.

An external auditor is an account holding only Role.EXTERNAL_AUDITOR, given over the access window of the audits it
is invited to (org.RoleAssignment.valid_from/valid_until): before and after it, the account cannot sign in and its
sessions and API tokens stop working (core.roles.may_sign_in). While the window is open it reads what the internal
auditor reads (core.permissions derives it), confined to `reach(user)`: the sampled contracts (every version of their
numbers), their projects and their customers (core.scopes, declared in assurance/workflows.py); of evidence packs only
its engagements', of findings only those on records of the sample. It writes nothing but evidence packs of the
sample (`check_pack`).

An account that holds a company role is never made an external auditor: a company role acts company-wide, so the
sample would not confine it.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit, records
from core.permissions import allowed
from core.roles import Role

from .models import AuditEngagement

EXTERNAL = frozenset({Role.EXTERNAL_AUDITOR})


def is_external_auditor(user) -> bool:
    """The account acts only as an external auditor (its reach is its audits' sample)."""
    return getattr(user, "is_authenticated", False) and user.own_roles == EXTERNAL


def open_now(at=None):
    """Engagements whose access window is open at `at` (now)."""
    at = at or timezone.now()
    return AuditEngagement.objects.filter(access_from__lte=at, access_until__gt=at)


def engagements_of(user, at=None):
    """The user's engagements open now."""
    return open_now(at).filter(auditors=user)


def sample_contracts(engagements):
    """The contracts of the engagements' samples, every version of each number (a project or a ticket may sit on
    another version of the contract it serves)."""
    from contracts.models import Contract

    chosen = Contract.objects.filter(pk__in=AuditEngagement.contracts.through.objects.filter(
        auditengagement__in=engagements).values("contract"))
    return Contract.objects.filter(number__in=chosen.values("number"))


def reach(user):
    """What an external auditor reaches (core.scopes): the samples of its engagements open now, their projects and
    their customers."""
    from projects.models import Project

    contracts = sample_contracts(engagements_of(user))
    return {"project": Project.objects.filter(contract__in=contracts.values("pk")).values_list("pk", flat=True),
            "contract": contracts.values_list("pk", flat=True),
            "customer": contracts.values_list("customer", flat=True)}


# ---- the engagement ---------------------------------------------------------------------------------------------

def save(engagement, user, contracts, before=None):
    """Create (before=None) or update the engagement with its sample; the invited auditors' access follows a changed
    window (extended, shortened). Audited like any record write."""
    contracts = list(contracts)
    if not contracts:
        raise ValidationError({"contracts": _t("Choose the contracts of the audit sample.")})
    with transaction.atomic():
        if before is None:
            links_before = {"contracts": []}
            records.create(engagement, user)
        else:
            links_before = audit.m2m_snapshot(engagement, ["contracts"])
            records.update(engagement, user, before)
        engagement.contracts.set(contracts)
        records.log_links(engagement, user, links_before)
        for auditor in engagement.auditors.all():
            _sync_access(auditor, user)
    return engagement


def invite(engagement, user, *, username, last_name="", first_name="", email="", password=""):
    """Give an external auditor access to the engagement: the account (created, or an existing external auditor's)
    holds the role over the access window of its audits. Returns the account."""
    users = get_user_model()
    _check_manage(engagement, user)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _t("Give the auditor's user name.")})
    with transaction.atomic():
        account = users.objects.filter(username=username).first()
        if account is None:
            account = users(username=username, last_name=last_name, first_name=first_name, email=email)
            if password:
                from django.contrib.auth import password_validation

                password_validation.validate_password(password, account)
                account.set_password(password)
            else:
                account.set_unusable_password()
            _write(account, user)
        elif {a.role for a in account.role_assignments.all()} - EXTERNAL:
            raise ValidationError({"username": _t("%(user)s holds a role of the company; an external auditor needs "
                                                  "an account of their own.") % {"user": username}})
        before = audit.m2m_snapshot(engagement, ["auditors"])
        engagement.auditors.add(account)
        records.log_links(engagement, user, before)
        _sync_access(account, user)
    return account


def revoke(engagement, auditor, user):
    """Take an auditor off the engagement: its access ends now unless another audit of theirs still gives it."""
    _check_manage(engagement, user)
    with transaction.atomic():
        before = audit.m2m_snapshot(engagement, ["auditors"])
        engagement.auditors.remove(auditor)
        records.log_links(engagement, user, before)
        _sync_access(auditor, user, ended=engagement)


def delete(engagement, user, comment=""):
    """Delete an external audit (one without evidence packs): its auditors' access to it ends."""
    _check_manage(engagement, user)
    with transaction.atomic():
        auditors = list(engagement.auditors.all())
        for auditor in auditors:
            revoke(engagement, auditor, user)
        records.delete(engagement, user, comment=comment)


def _check_manage(engagement, user):
    if not allowed(user, engagement, "change"):
        raise PermissionDenied(_t("Your role may not do this."))


def _sync_access(auditor, user, ended=None):
    """The auditor's role spans the access windows of every engagement they are on; none left: it ends now."""
    from org.models import RoleAssignment

    window = AuditEngagement.objects.filter(auditors=auditor).aggregate(start=Min("access_from"),
                                                                         end=Max("access_until"))
    assignment = RoleAssignment.objects.filter(user=auditor, role=Role.EXTERNAL_AUDITOR).first()
    if window["start"] is None:  # on no engagement any more
        if assignment is None:
            return
        now = timezone.now()
        if assignment.valid_from is not None and assignment.valid_from >= now:
            audit.log_delete(assignment, _revoked_note(ended), user=user)
            assignment.delete()
            return
        window = {"start": assignment.valid_from, "end": min(now, assignment.valid_until or now)}
    if assignment is None:
        _write(RoleAssignment(user=auditor, role=Role.EXTERNAL_AUDITOR, valid_from=window["start"],
                              valid_until=window["end"]), user)
    elif (assignment.valid_from, assignment.valid_until) != (window["start"], window["end"]):
        before = audit.snapshot(assignment)
        assignment.valid_from, assignment.valid_until = window["start"], window["end"]
        _write(assignment, user, before, comment=_revoked_note(ended))


def _write(row, user, before=None, comment=""):
    """The auditor's account and role are the external audit's own doing: whoever may change the audit (checked by
    the caller) gives them, not the organisation's administrator; audited like every write."""
    row.full_clean()
    row.save()
    if before is None:
        audit.log_create(row, comment, user=user)
    else:
        audit.log_update(row, before, comment, user=user)


def _revoked_note(engagement):
    if engagement is None:
        return ""
    from django.utils.translation import gettext_noop

    from core.display import message

    return message(gettext_noop("Access to the external audit %(audit)s revoked."), audit=str(engagement))


# ---- what the external auditor may do -----------------------------------------------------------------------------

def check_pack(user, contracts=(), projects=(), engagement=None):
    """An external auditor's evidence pack covers only its audit sample (of `engagement`, else of any of its open
    audits): refused with a message otherwise. Anyone else: nothing to check (the matrix and scope decide)."""
    if not is_external_auditor(user):
        return
    from projects.models import Project

    engagements = engagements_of(user)
    if engagement is not None:
        engagements = engagements.filter(pk=engagement.pk)
    in_sample = set(sample_contracts(engagements).values_list("pk", flat=True))
    contracts = {int(getattr(c, "pk", c)) for c in contracts}
    projects = {int(getattr(p, "pk", p)) for p in projects}
    outside_projects = projects - set(Project.objects.filter(contract__in=in_sample).values_list("pk", flat=True))
    if contracts - in_sample or outside_projects:
        raise ValidationError(_t("An external auditor's evidence pack covers only contracts and projects of the "
                                 "audit sample."))


def pack_engagement(user):
    """The external audit an external auditor's new pack belongs to: its latest audit open now."""
    if not is_external_auditor(user):
        return None
    engagement = engagements_of(user).order_by("-access_from", "-pk").first()
    if engagement is None:
        raise PermissionDenied(_t("Your access to the external audit has ended."))
    return engagement


def pack_requested(sender, instance, **kwargs):
    """Whatever page or service builds the pack: an external auditor's new pack names its external audit."""
    if instance.pk is not None or instance.requested_by_id is None:
        return
    engagement = pack_engagement(instance.requested_by)
    if engagement is None:
        return
    if instance.engagement_id is None:
        instance.engagement = engagement
    elif not engagements_of(instance.requested_by).filter(pk=instance.engagement_id).exists():
        raise ValidationError(_t("An external auditor's evidence pack belongs to one of their own external audits."))


def pack_scope_changed(sender, instance, action, **kwargs):
    """Defence in depth: an external auditor's pack never covers a contract or project outside its sample."""
    if action == "post_add" and instance.requested_by_id is not None:
        check_pack(instance.requested_by, instance.contracts.all(), instance.projects.all(),
                   engagement=instance.engagement)


def audits_to_do(user, today):
    """The external auditor's work queue: each audit of theirs open now, to be done before its access ends."""
    from core.worklist import Item, Kind

    if not is_external_auditor(user):
        return
    for engagement in engagements_of(user).order_by("access_until", "pk"):
        yield Item(key=f"audit_engagement:{engagement.pk}", kind=Kind.WRITE, record=engagement,
                   url=engagement.get_absolute_url(), due=timezone.localdate(engagement.access_until),
                   title=_t("Audit the sample of %(audit)s (%(body)s): %(contracts)s contracts, period %(start)s "
                            "to %(end)s") % {"audit": engagement.title, "body": engagement.audit_body,
                                             "contracts": engagement.contracts.count(),
                                             "start": engagement.period_start, "end": engagement.period_end})


def connect():
    from django.db.models.signals import m2m_changed, pre_save

    from core import worklist

    from .models import EvidencePack

    worklist.register(audits_to_do)
    pre_save.connect(pack_requested, sender=EvidencePack, dispatch_uid="assurance.pack_requested")
    for field in (EvidencePack.contracts, EvidencePack.projects):
        m2m_changed.connect(pack_scope_changed, sender=field.through, dispatch_uid=f"assurance.{field.field.name}")
