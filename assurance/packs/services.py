"""Evidence packs as a person (or the API) asks for them: request, build in the background, rebuild, download.

Every step is audited: the request (the pack row with its scope), each change of its state, and each download (an
export). The build runs as a background job (core.jobs, JobKind.EVIDENCE_PACK) acting as the requester.
"""

import io
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop
from django_tasks import task

from core import audit, display, jobs, records
from core.choices import AuditAction, JobKind
from core.permissions import allowed

from ..choices import PackState
from ..models import EvidencePack
from ..scope import AuditScope
from .build import build


def scope_of(pack) -> AuditScope:
    return AuditScope.of(pack.contracts.values_list("pk", flat=True), pack.projects.values_list("pk", flat=True),
                         pack.period_start, pack.period_end)


def no_scope_message():
    return _t("Choose at least one contract or project.")


def period_message():
    return _t("The period must end on or after its start.")


def check_scope(user, contracts, projects):
    """Only contracts and projects the requester may read go into a pack."""
    from contracts.models import Contract
    from projects.models import Project

    if not contracts and not projects:
        raise ValidationError(no_scope_message())
    hidden_contracts = {c.pk for c in contracts} - set(
        Contract.objects.restrict(user, "view").filter(pk__in=[c.pk for c in contracts]).values_list("pk", flat=True))
    hidden_projects = {p.pk for p in projects} - set(
        Project.objects.restrict(user, "view").filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True))
    if hidden_contracts or hidden_projects:
        raise PermissionDenied(_t("The pack names a contract or project you may not see."))


def request_pack(user, title, period_start, period_end, contracts=(), projects=(), engagement=None) -> EvidencePack:
    """Record the pack (audited) and start building it in the background."""
    contracts, projects = list(contracts), list(projects)
    if period_end < period_start:
        raise ValidationError({"period_end": period_message()})
    if period_end >= date.max:  # the period's end instant is the day after it
        raise ValidationError({"period_end": _t("Choose an earlier end of the period.")})
    pack = EvidencePack(title=title, period_start=period_start, period_end=period_end, requested_by=user,
                        engagement=engagement)
    if not allowed(user, EvidencePack, "add"):
        raise PermissionDenied(_t("Your role may not do this."))
    check_scope(user, contracts, projects)
    with transaction.atomic():
        records.create(pack, user)
        pack.contracts.set(contracts)
        pack.projects.set(projects)
        records.log_links(pack, user, {"contracts": [], "projects": []})
    return start_build(pack, user)


def rebuild(pack, user) -> EvidencePack:
    """Build the pack again from the data as it is now (a pack being built is left to finish)."""
    if not allowed(user, EvidencePack, "add") or not allowed(user, pack, "view"):
        raise PermissionDenied(_t("Your role may not do this."))
    if pack.state in (PackState.QUEUED, PackState.BUILDING) and pack.job and not pack.job.finished:
        raise ValidationError(_t("This pack is being built; wait for it to finish."))
    check_scope(user, list(pack.contracts.all()), list(pack.projects.all()))
    _set(pack, user, display.message(gettext_noop("Rebuild requested.")), state=PackState.QUEUED, message="")
    return start_build(pack, user)


def start_build(pack, user) -> EvidencePack:
    job = jobs.start(user, JobKind.EVIDENCE_PACK, pack.title, build_pack_task, pack.pk,
                     link=pack.get_absolute_url(), params={"model": EvidencePack._meta.label_lower, "pack": pack.pk})
    pack.refresh_from_db()
    if pack.job_id != job.pk:  # else the build (run at once by an immediate backend) has set it already
        pack = _set(pack, user, "", job=job)
    return pack


def _set(pack, user, comment, **values):
    """Change the pack's row and audit it (its audited snapshot always matches the row)."""
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
        before = audit.snapshot(pack)
        for name, value in values.items():
            setattr(pack, name, value)
        pack.save()
        audit.log_update(pack, before, comment=comment, user=user)
    return pack


def _build(job, pack_id):
    pack = EvidencePack.objects.select_related("requested_by").get(pk=pack_id)
    user = job.owner
    pack = _set(pack, user, display.message(gettext_noop("Building the evidence pack.")), state=PackState.BUILDING,
                job_id=job.pk)
    try:
        archive, manifest = build(scope_of(pack), user, progress=lambda done, total: jobs.progress(job.pk, done, total))
        data = archive.zip_bytes()
    except Exception as exc:
        _set(pack, user, "", state=PackState.FAILED,
             message=display.message(gettext_noop("The pack could not be built (%(error)s)."),
                                     error=type(exc).__name__))
        raise
    name = f"evidence-pack-{pack.pk}-{manifest['content_hash'][:12]}.zip"
    if pack.file:
        pack.file.delete(save=False)
    stored = EvidencePack._meta.get_field("file").generate_filename(pack, name)
    from django.core.files.storage import default_storage

    stored = default_storage.save(stored, ContentFile(data))
    _set(pack, user, display.message(gettext_noop("Evidence pack built: %(files)s files, content hash %(hash)s."),
                                     files=len(manifest["files"]) + 1, hash=manifest["content_hash"]),
         state=PackState.READY, file=stored, file_name=name, size=len(data), files=len(manifest["files"]) + 1,
         content_hash=manifest["content_hash"], built_at=timezone.now(), message="")
    jobs.finish(job.pk, message=display.message(gettext_noop("Evidence pack built: %(files)s files, content hash "
                                                             "%(hash)s."), files=len(manifest["files"]) + 1,
                                                hash=manifest["content_hash"]))


@task()
def build_pack_task(job_id: int, pack_id: int) -> str:
    return jobs.run(job_id, _build, pack_id)


def open_download(pack, user):
    """(file object, name) of a ready pack, audited as an export of it."""
    if pack.state != PackState.READY or not pack.file:
        raise ValidationError(_t("The pack is not ready yet."))
    audit.record_entry(AuditAction.EXPORT, pack, user=user, comment=pack.file_name,
                       changes={"content_hash": pack.content_hash})
    return pack.file.open("rb"), pack.file_name


def read_manifest(pack) -> dict | None:
    """The manifest of a ready pack, read from its archive (for its page and the API)."""
    import json
    import zipfile

    if pack.state != PackState.READY or not pack.file:
        return None
    with pack.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return json.loads(archive.read("manifest.json"))
