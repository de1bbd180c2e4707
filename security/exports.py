"""The information security incident as a document (PDF/DOCX): the incident, the solution with its tasks, the
verification, and the timeline of every step (acknowledgement time and escalations included)."""

from django.utils.translation import gettext as _t

from core import display
from core.exports import Section, Table


def incident_sections(incident, language):
    from . import services

    after = services.acknowledged_after(incident)
    head = Section(_t("Incident"), [
        _t("Contract: %(contract)s") % {"contract": incident.contract},
        _t("Severity: %(severity)s") % {"severity": incident.get_severity_display()},
        _t("Detected by: %(how)s") % {"how": incident.get_detection_display()}
        + (f" ({incident.keyword})" if incident.keyword else "")
        + (f" · {incident.detected_by}" if incident.detected_by else ""),
        _t("Tickets: %(tickets)s") % {"tickets": ", ".join(t.external_id for t in incident.tickets.all())
                                       or display.EMPTY},
        _t("Reported at: %(at)s") % {"at": display.value(incident.reported_at)},
        _t("Acknowledged at: %(at)s by %(who)s") % {"at": display.value(incident.acknowledged_at),
                                                    "who": incident.acknowledged_by or display.EMPTY},
        (_t("Acknowledged %(minutes)s minutes after the report.") % {"minutes": after}) if after is not None
        else _t("Not acknowledged yet."),
        _t("Escalation steps: %(level)s") % {"level": incident.escalation_level},
    ])
    if incident.description:
        head.paragraphs.append(incident.description)
    tasks = Table([_t("Task"), _t("Owner"), _t("Due"), _t("Done")],
                  [[t.description, str(t.owner or ""), display.value(t.due), display.value(t.done)]
                   for t in incident.tasks.select_related("owner")], caption=_t("Solution tasks"))
    solution = Section(_t("Solution"), [
        _t("Drawn up with: %(pm)s") % {"pm": incident.project_manager or display.EMPTY},
        incident.solution or display.EMPTY], [tasks] if tasks.rows else [])
    verification = Section(_t("Verification"), [
        incident.verification or display.EMPTY,
        _t("Verified on %(date)s by %(who)s") % {"date": display.value(incident.verified_on),
                                                 "who": incident.verified_by or display.EMPTY}])
    steps = services.timeline(incident)
    timeline = Section(_t("Timeline"), [], [Table(
        [_t("When"), _t("Step"), _t("Who"), _t("Comment")],
        [[display.value(step["at"]), step["what"], step["who"], step["comment"]] for step in steps],
        caption=_t("Timeline of the incident"))])
    return [head, solution, verification, timeline]
