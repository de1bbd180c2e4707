"""Export bodies (core.exporting calls `export_sections(language)`) and the Gantt chart image.

The Gantt image is drawn with matplotlib (Agg) using the shipped Noto Sans SC TTF from core.fonts, so Chinese
task names render on a machine with no CJK fonts.
"""

import io
from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext as _t

from core.exports import Image, Section, Table

GANTT_MAX_ROWS = 60


def _lines(text):
    return [line for line in (text or "").splitlines() if line.strip()]


def _text_sections(pairs):
    return [Section(str(title), _lines(text)) for title, text in pairs if (text or "").strip()]


def application_sections(app, language):
    with translation.override(language):
        facts = Table([_t("Item"), _t("Value")], [
            [_t("Project"), str(app.project)], [_t("Customer"), str(app.customer or "")],
            [_t("Contract"), str(app.contract)], [_t("Category"), app.get_category_display()],
            [_t("Project manager"), str(app.project_manager)],
            [_t("Planned start"), app.planned_start], [_t("Planned end"), app.planned_end],
            [_t("Budget (CNY)"), app.budget]], widths=[1, 3])
        return [Section(_t("Project"), tables=[facts]),
                *_text_sections([(_t("Necessity"), app.necessity), (_t("Feasibility"), app.feasibility)]),
                Section(_t("Approval"), [_t("Approved by the department manager, then by the Technical Service "
                                            "Division (see the approval lines).")])]


def initiation_plan_sections(plan, language):
    with translation.override(language):
        sections = _text_sections([(_t("Objectives"), plan.objectives), (_t("Scope"), plan.scope),
                                   (_t("Organisation and responsibilities"), plan.organisation),
                                   (_t("Outline schedule"), plan.schedule), (_t("Resources"), plan.resources)])
        if plan.budget is not None:
            sections.append(Section(_t("Budget"), [f"{plan.budget} CNY"]))
        return sections


def project_plan_sections(plan, language):
    with translation.override(language):
        objectives = Table([_t("Objective"), _t("Metric"), _t("Target"), _t("How measured"), _t("Owner"),
                            _t("SLA target")],
                           [[o.objective, o.get_metric_display(), o.target, o.measurement, str(o.owner),
                             str(o.sla_target or "")] for o in plan.objectives.select_related("owner", "sla_target")])
        milestones = Table([_t("Milestone"), _t("Due date"), _t("Deliverable")],
                           [[m.name, m.due_date, m.deliverable] for m in plan.milestones.all()])
        risks = Table([_t("Risk"), _t("Likelihood"), _t("Impact"), _t("Response"), _t("Owner")],
                      [[r.description, r.get_likelihood_display(), r.get_impact_display(), r.response, str(r.owner)]
                       for r in plan.risks.select_related("owner")])
        reporting = [_t("Report period") + f": {plan.get_report_period_display()}",
                     _t("Report content") + f": {', '.join(str(s) for s in plan.report_section_labels())}",
                     _t("Recipients") + f": {', '.join(plan.report_recipients or [])}",
                     _t("Agreed with") + f": {plan.report_agreed_with or '—'}"]
        return [
            Section(_t("Quality objectives"), tables=[objectives]),
            *_text_sections([(_t("Specific measures"), plan.measures), (_t("Resources"), plan.resources),
                             (_t("Schedule"), plan.schedule)]),
            Section(_t("Milestones"), tables=[milestones]),
            Section(_t("Risks"), tables=[risks]),
            Section(_t("Communication and reporting plan"), reporting),
            *_text_sections([(_t("Acceptance criteria"), plan.acceptance_criteria)]),
        ]


def review_sections(review, language):
    with translation.override(language):
        findings = Table([_t("#"), _t("Finding"), _t("Severity"), _t("Raised by"), _t("State"), _t("Resolution")],
                         [[i, f.description, f.get_severity_display(), str(f.raised_by or ""), f.get_state_display(),
                           f.resolution] for i, f in enumerate(review.findings.select_related("raised_by"), start=1)])
        return [
            Section(_t("Review"), [_t("Project plan") + f": {review.plan}", _t("Held on") + f": {review.held_on}",
                                   _t("Place / form") + f": {review.location or '—'}",
                                   _t("Reviewers") + f": {', '.join(str(u) for u in review.reviewers.all())}"]),
            Section(_t("Findings"), tables=[findings]),
            Section(_t("Verdict"), [review.get_verdict_display(), *_lines(review.summary)]),
        ]


def task_table(plan):
    tasks = list(plan.tasks.select_related("assignee").order_by("position", "pk"))
    names = {t.pk: t.wbs for t in tasks}
    predecessors = {}
    for link in plan.dependencies.all():
        lag = f"+{link.lag_days}" if link.lag_days > 0 else (str(link.lag_days) if link.lag_days else "")
        predecessors.setdefault(link.successor_id, []).append(f"{names.get(link.predecessor_id, '?')}{lag}")
    rows = [[t.wbs, t.name, t.deliverable, str(t.assignee or ""), t.planned_start, t.planned_end, t.effort_hours,
             ", ".join(predecessors.get(t.pk, [])), _t("yes") if t.is_milestone else ""] for t in tasks]
    table = Table([_t("WBS"), _t("Task"), _t("Deliverable"), _t("Assignee"), _t("Planned start"), _t("Planned end"),
                   _t("Effort (h)"), _t("Predecessors"), _t("Milestone")], rows, caption=_t("Work breakdown"),
                  widths=[1, 4, 3, 2, 2, 2, 1, 2, 1])
    return tasks, table


def gantt_png(tasks, links=(), title=""):
    """A PNG Gantt chart of `tasks` (at most GANTT_MAX_ROWS rows) with the shipped CJK font: a label at every
    bar, the dependencies as arrows, the critical path in red, summary tasks (derived from their sub-tasks) in
    grey. No today line: an exported record is a document, the same whatever day it is exported."""
    import matplotlib

    from .services import critical_tasks

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    from core.fonts import ensure_fonts

    font_path = str(ensure_fonts().regular)
    font_manager.fontManager.addfont(font_path)
    font = font_manager.FontProperties(fname=font_path)
    shown = list(tasks)[:GANTT_MAX_ROWS]
    parents = {t.parent_id for t in tasks if t.parent_id}
    height = max(2.0, 0.32 * len(shown) + 1.2)
    figure = Figure(figsize=(10, height), dpi=110)
    axes = figure.add_subplot(1, 1, 1)
    links = list(links)
    critical, critical_links = critical_tasks(list(tasks), links)
    row_of = {}
    for index, task in enumerate(shown):
        row_of[task.pk] = index
        start = mdates.date2num(task.planned_start)
        days = (task.planned_end - task.planned_start).days + 1
        red = task.pk in critical
        if task.is_milestone:
            axes.scatter([start + 0.5], [index], marker="D", s=50, color="#dc3545" if red else "#ffc107",
                         edgecolors="#842029" if red else "#997404", zorder=3)
            end = start + 1
        else:
            axes.barh(index, days, left=start, height=0.55 if task.pk not in parents else 0.3,
                      color="#495057" if task.pk in parents else ("#dc3545" if red else "#0d6efd"))
            end = start + days
        axes.text(end + 0.4, index, task.name[:24], va="center", fontsize=6.5, color="#495057",
                  fontproperties=font)
    for link in links:
        a, b = row_of.get(link.predecessor_id), row_of.get(link.successor_id)
        if a is None or b is None:
            continue
        pred, succ = shown[a], shown[b]
        x1 = mdates.date2num(pred.planned_end + timedelta(days=1))
        x2 = mdates.date2num(succ.planned_start)
        colour = "#dc3545" if (link.predecessor_id, link.successor_id) in critical_links else "#6c757d"
        axes.annotate("", xy=(x2, b), xytext=(x1, a),
                      arrowprops={"arrowstyle": "->", "color": colour, "lw": 0.8,
                                  "connectionstyle": "angle,angleA=0,angleB=90"})
    axes.set_yticks(range(len(shown)))
    axes.set_yticklabels([f"{t.wbs} {t.name}"[:28] for t in shown], fontproperties=font, fontsize=8)
    axes.invert_yaxis()
    axes.xaxis_date()
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    for label in axes.get_xticklabels():
        label.set_fontsize(7)
        label.set_rotation(30)
    axes.set_axisbelow(True)
    axes.grid(axis="x", color="#e9ecef")
    left, right = axes.get_xlim()
    axes.set_xlim(left, right + (right - left) * 0.12)  # room for the last bars' labels
    if critical:
        from matplotlib.patches import Patch

        axes.legend(handles=[Patch(color="#dc3545", label=_t("Critical path")),
                             Patch(color="#0d6efd", label=_t("Task")),
                             Patch(color="#495057", label=_t("Dates derived from sub-tasks"))],
                    prop=font_manager.FontProperties(fname=font_path, size=7), loc="upper right", frameon=False)
    if title:
        axes.set_title(title, fontproperties=font, fontsize=10)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def work_plan_sections(plan, language):
    with translation.override(language):
        tasks, table = task_table(plan)
        sections = []
        if plan.notes:
            sections.append(Section(_t("Notes"), _lines(plan.notes)))
        if tasks:
            note = _t("The first %(n)s of %(total)s tasks are drawn.") % {"n": GANTT_MAX_ROWS, "total": len(tasks)} \
                if len(tasks) > GANTT_MAX_ROWS else ""
            sections.append(Section(_t("Gantt chart"), [note] if note else [],
                                    images=[Image(gantt_png(tasks, list(plan.dependencies.all())),
                                                  caption=_t("Gantt chart"), width_cm=16)]))
        sections.append(Section(_t("Work breakdown"), tables=[table]))
        if plan.change_request_id:
            from .services import compare

            baseline = plan.change_request.baseline
            if baseline is not None and baseline.pk != plan.pk:
                sections.extend(comparison_sections(compare(baseline, plan)))
        return sections


def comparison_sections(comparison):
    from .services import compared_label

    summary = comparison["summary"]
    text = _t("%(a)s added, %(r)s removed, %(c)s changed (%(m)s moved in time, %(s)s reassigned). Effort: "
              "%(before)s → %(after)s h.") % {"a": summary["added"], "r": summary["removed"], "c": summary["changed"],
                                               "m": summary["moved"], "s": summary["reassigned"],
                                               "before": summary["effort_before"], "after": summary["effort_after"]}
    rows = [[_t("Added"), t["wbs"], t["name"], f"{t['start']} – {t['end']} · {t['assignee'] or '—'} · {t['effort']} h"]
            for t in comparison["added"]]
    rows += [[_t("Removed"), t["wbs"], t["name"],
              f"{t['start']} – {t['end']} · {t['assignee'] or '—'} · {t['effort']} h"] for t in comparison["removed"]]
    rows += [[_t("Changed"), t["wbs"], t["name"],
              "\n".join(f"{compared_label(field)}: {v[0] or '—'} → {v[1] or '—'}"
                        for field, v in t["fields"].items())]
             for t in comparison["changed"]]
    heading = _t("Baseline v%(b)s compared with revised v%(r)s") % {"b": comparison["baseline"]["version"],
                                                                    "r": comparison["revised"]["version"]}
    return [Section(heading, [text], tables=[Table([_t("Change"), _t("WBS"), _t("Task"), _t("Details")], rows,
                                                   widths=[1, 1, 3, 5])])]


def change_sections(change, language):
    from .services import comparison_for

    with translation.override(language):
        facts = [_t("Project") + f": {change.project}", _t("Baseline") + f": {change.baseline}",
                 _t("What changes") + f": {change.get_kind_display()}",
                 _t("Request form") + f": {change.get_form_display()}"]
        if change.form == "verbal":
            facts.append(_t("Verbal request from") + f": {change.verbal_from} · {change.verbal_at:%Y-%m-%d %H:%M}")
        sections = [Section(_t("Change request"), facts), Section(_t("Reason"), _lines(change.reason))]
        comparison = comparison_for(change)
        if comparison:
            sections.extend(comparison_sections(comparison))
        return sections
