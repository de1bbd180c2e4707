"""Export bodies (PDF/DOCX via core.exporting) and the metric table as XLSX; charts as matplotlib PNGs.

Charts use the shipped Noto Sans SC (core.fonts.ensure_fonts) so Chinese labels render anywhere.
"""

import io
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext

from core import display, report_sections
from core.exports import Image, Section, Table, render_xlsx

from .figures import (
    category_label,
    category_rows,
    format_row,
    month_on_month,
    percent_axis_floor,
    problem_rows,
    table_columns,
)


@lru_cache(maxsize=1)
def _font():
    from matplotlib import font_manager

    from core.fonts import ensure_fonts

    path = ensure_fonts().regular
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    pyplot.rcParams["font.family"] = _font()
    pyplot.rcParams["axes.unicode_minus"] = False
    return pyplot


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    _figure().close(fig)
    return buffer.getvalue()


NAN = float("nan")


def _values(items, key):
    """A series for matplotlib: a missing value is NaN, so the line breaks there instead of dropping to 0."""
    return [NAN if item.get(key) is None else item[key] for item in items]


def _percent_axis(ax, values, targets=()):
    """A percent axis fitted to the data with the targets in view (e.g. 85–100 % for 88.9 % and 99 %)."""
    ax.set_ylim(percent_axis_floor([*values, *targets]), 100.5)
    ax.yaxis.set_major_formatter("{x:g}%")


def trend_chart(trend, availability_target=None, title=None) -> bytes:
    """Monthly achievement, availability and volume (`title`: the chart's, default the monthly report's)."""
    pyplot = _figure()
    fig, ax = pyplot.subplots(figsize=(8, 3.6))
    labels = [p["label"][2:] for p in trend]
    positions = range(len(labels))
    ax2 = ax.twinx()
    ax2.bar(positions, [0 if p["volume"] is None else p["volume"] for p in trend], color="#9ec5fe", alpha=0.6,
            label=_t("Tickets"))
    plotted = []
    for key, label in (("response", _t("Response achievement")), ("resolution", _t("Resolution achievement")),
                       ("availability", _t("Availability"))):
        values = _values(trend, key)
        plotted += [p[key] for p in trend]
        ax.plot(positions, values, marker="o", label=label)
    targets = [availability_target] if availability_target is not None else []
    if targets:
        ax.axhline(availability_target, color="#dc3545", linestyle="--", linewidth=1,
                   label=_t("Availability target"))
    _percent_axis(ax, plotted, targets)
    ax.set_xticks(list(positions), labels)
    ax.set_ylabel(_t("Achievement / availability (%)"))
    ax2.set_ylabel(_t("Tickets (count)"))
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=4, fontsize=8, frameon=False)
    ax.set_title(title or _t("12-month trend"))
    ax.tick_params(axis="x", labelsize=7)
    missing = [p["label"] for p in trend if p["volume"] is None]
    if missing:
        fig.text(0.01, -0.08, _t("No service data: %(months)s (not plotted).") % {"months": ", ".join(missing)},
                 fontsize=7, color="#6c757d")
    return _png(fig)


def priority_chart(table) -> bytes:
    pyplot = _figure()
    fig, ax = pyplot.subplots(figsize=(8, 3.2))
    rows = {(r["kind"], r.get("priority")): r for r in table if r["kind"] in ("response", "resolution")}
    priorities = ["P1", "P2", "P3", "P4"]
    width = 0.38
    plotted = []
    for offset, kind, label in ((-width / 2, "response", _t("Response achievement")),
                                (width / 2, "resolution", _t("Resolution achievement"))):
        actual = [(rows.get((kind, p)) or {}).get("actual") for p in priorities]
        plotted += actual
        ax.bar([i + offset for i in range(4)], [NAN if v is None else v for v in actual], width, label=label)
    targets = [(rows.get(("response", p)) or {}).get("target") for p in priorities]
    ax.plot(range(4), [NAN if t is None else t for t in targets], "r--", drawstyle="steps-mid", label=_t("Target"))
    _percent_axis(ax, plotted, [t for t in targets if t is not None])
    ax.set_xticks(range(4), priorities)
    ax.set_ylabel(_t("Achievement (%)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title(_t("Achievement per priority"))
    return _png(fig)


def _wrapped(label, width=12):
    """Long category names wrap onto a second line instead of running into the bars."""
    return label if len(label) <= width else label[:width] + "\n" + label[width:2 * width]


def category_chart(categories) -> bytes:
    """Horizontal grouped bars (this month, previous month) per category, all categories, one row each."""
    pyplot = _figure()
    names = [_wrapped(category_label(c["category"])) for c in categories]
    fig, ax = pyplot.subplots(figsize=(8, max(2.4, 0.42 * len(names) + 1.2)))
    positions = range(len(names))
    height = 0.4
    ax.barh([i - height / 2 for i in positions], [c["count"] for c in categories], height, label=_t("This month"))
    ax.barh([i + height / 2 for i in positions], [c["previous"] for c in categories], height, alpha=0.45,
            label=_t("Previous month"))
    ax.set_yticks(list(positions), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(_t("Tickets (count)"))
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(_t("Tickets by category"))
    return _png(fig)


def trend_rows(trend):
    """The 12-month table: a month without service data says so instead of showing 0 tickets."""
    def shown(value):
        return "—" if value is None else value

    return [[p["label"], shown(p["response"]), shown(p["resolution"]), shown(p["availability"]),
             _t("no data") if p["volume"] is None else p["volume"]]
            for p in trend]


def metric_table(snapshot) -> Table:
    return Table(table_columns(), [list(format_row(row)) for row in snapshot.get("table", [])],
                 caption=_t("Service level achievement"))


def monthly_sections(report, language):
    data = report.snapshot or {}
    if not data:
        return [Section(_t("Figures"), [_t("The figures have not been generated yet.")])]
    volume = data["volume"]
    change = month_on_month(volume["current"], volume["previous"])
    sections = [Section(_t("Service status summary"), [
        _t("Contract: %(c)s; customer: %(cu)s; period: %(p)s.") % {"c": f"{data['contract']['number']} "
                                                                         f"{data['contract']['title']}",
                                                                    "cu": data["contract"]["customer"],
                                                                    "p": data["period"]["label"]},
        report.summary or (_t("All agreed targets were met.") if data.get("all_met")
                           else _t("Some agreed targets were missed; see the analysis below.")),
        *data.get("warnings", [])])]
    sections.append(Section(_t("Service level achievement"), tables=[metric_table(data)],
                            images=[Image(priority_chart(data["table"]), _t("Achievement per priority"))]))
    sections.append(Section(_t("Ticket volume and categories"), [
        _t("Tickets this month: %(n)s; previous month: %(p)s; change: %(c)s.") % {
            "n": volume["current"], "p": volume["previous"], "c": "—" if change is None else f"{change:+.1f}%"}],
        tables=[Table([_t("Category"), _t("This month"), _t("Previous month")], category_rows(data["categories"]))],
        images=[Image(category_chart(data["categories"]), _t("Tickets by category"))] if data["categories"] else []))
    sections.append(Section(_t("12-month trend"),
                            tables=[Table([_t("Month"), _t("Response achievement"), _t("Resolution achievement"),
                                           _t("Availability"), _t("Tickets")],
                                          trend_rows(data["trend"]))],
                            images=[Image(trend_chart(data["trend"], (data.get("metrics") or {}).get(
                                "availability_target")), _t("12-month trend"))]))
    sections.append(Section(_t("Major incidents"), [] if data["major_incidents"] or data["outages"]
                            else [_t("No major incident this month.")], tables=[
        *([Table([_t("Ticket"), _t("Summary"), _t("Created"), _t("Resolved"), _t("Within target")],
                 [[i["id"], i["summary"], i["created"], i["resolved"], i["resolution_met"]]
                  for i in data["major_incidents"]], caption=_t("P1 tickets"))] if data["major_incidents"] else []),
        *([Table([_t("Start"), _t("End"), pgettext("outage", "Minutes"), pgettext("outage", "Planned"),
                  _t("Description")],
                 [[o["start"], o["end"], o["minutes"], o["planned"], o["description"]] for o in data["outages"]],
                 caption=_t("Outages"))] if data["outages"] else [])]))
    problems = data["problems"]
    sections.append(Section(_t("Problem trends"), tables=[Table([_t("Category"), *problems["months"]],
                                                                problem_rows(problems))]))
    sections += report_sections.export_sections(data)
    analyses = list(report.analyses.all())
    sections.append(Section(_t("Analysis of missed targets and improvement actions"),
                            [] if analyses else [_t("No target was missed.")],
                            tables=[Table([pgettext("metric table", "Metric"), _t("Analysis"),
                                           _t("Improvement action")],
                                          [[a.metric_label, a.analysis, a.improvement] for a in analyses])]
                            if analyses else []))
    return sections


def monthly_xlsx(report) -> bytes:
    data = report.snapshot or {}
    tables = [metric_table(data)]
    if data:
        tables.append(Table([_t("Month"), _t("Response achievement"), _t("Resolution achievement"),
                             _t("Availability"), _t("Tickets")],
                            trend_rows(data["trend"]), caption=_t("12-month trend")))
    return render_xlsx(tables, [_t("Metrics"), _t("Trend")][:len(tables)])


def internal_table(data) -> Table:
    def pct(value):
        return "—" if value is None else f"{value:.2f}%"

    return Table([_t("Customer"), _t("Contract"), _t("Response achievement"), _t("Resolution achievement"),
                  _t("Availability"), _t("Tickets"), _t("Missed targets"), _t("Monthly report")],
                 [[line["customer"], line["contract"], pct(line["response"]), pct(line["resolution"]),
                   pct(line["availability"]), line["volume"], ", ".join(line["missed"]) or "—",
                   line["report"] or _t("missing")] for line in data.get("lines", [])],
                 caption=_t("Service status per customer"))


def internal_chart(data) -> bytes:
    pyplot = _figure()
    lines = data.get("lines", [])
    names = [_wrapped(line["customer"], 8) for line in lines]
    fig, ax = pyplot.subplots(figsize=(8, 3.4))
    response, resolution = _values(lines, "response"), _values(lines, "resolution")
    ax.bar([i - 0.2 for i in range(len(names))], response, 0.4, label=_t("Response achievement"))
    ax.bar([i + 0.2 for i in range(len(names))], resolution, 0.4, label=_t("Resolution achievement"))
    ax.set_xticks(range(len(names)), names, fontsize=7)
    _percent_axis(ax, [*(line["response"] for line in lines), *(line["resolution"] for line in lines)])
    bottom = ax.get_ylim()[0]
    for index, line in enumerate(lines):  # a customer without tickets says so instead of showing an empty slot
        if line["response"] is None and line["resolution"] is None:
            ax.text(index, bottom + 0.5, _t("no data"), ha="center", va="bottom", fontsize=7, color="#6c757d")
    ax.set_ylabel(_t("Achievement (%)"))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(_t("SLA achievement per customer"))
    return _png(fig)


def internal_sections(report, language):
    data = report.snapshot or {}
    if not data:
        return [Section(_t("Figures"), [_t("The figures have not been generated yet.")])]
    problems = data["problems"]
    return [
        Section(_t("Summary"), [_t("%(n)s contracts, %(m)s of them missing targets.")
                                % {"n": len(data["lines"]), "m": data["missed_contracts"]}, report.conclusions]),
        Section(_t("Service status per customer"), tables=[internal_table(data)],
                images=[Image(internal_chart(data), _t("SLA achievement per customer"))] if data["lines"] else []),
        Section(_t("Problem trends"), tables=[Table([_t("Category"), *problems["months"]], problem_rows(problems))]),
        *report_sections.export_sections(data),
        satisfaction_section(data),
        Section(_t("Open P1/P2 tickets"), [] if data["open_high"] else [_t("None.")],
                tables=[Table([_t("Ticket"), _t("Contract"), _t("Priority"), _t("Summary"), _t("Created")],
                              [[t["id"], t["contract"], t["priority"], t["summary"], t["created"]]
                               for t in data["open_high"]])] if data["open_high"] else []),
        Section(_t("Overdue actions"), [] if data["overdue_actions"] else [_t("None.")],
                tables=[Table([_t("Action item"), _t("Owner"), _t("Due date"), _t("Minutes")],
                              [[a["description"], a["owner"], a["due"], a["minutes"]]
                               for a in data["overdue_actions"]])] if data["overdue_actions"] else []),
    ]


def satisfaction_section(data):
    """Customer satisfaction per contract and month (average score 1–5; — where no one answered)."""
    trend = data.get("satisfaction")
    if trend is None:  # generated before satisfaction was recorded
        return Section(_t("Customer satisfaction"), [_t("Not in these figures: regenerate them.")])
    if not trend["series"]:
        return Section(_t("Customer satisfaction"), [_t("No survey answers in these months.")])
    return Section(_t("Customer satisfaction"),
                   [_t("Average over the months: %(p)s points (score × 20).") % {"p": trend["points"]}],
                   tables=[Table([_t("Customer"), _t("Contract"), *trend["months"]],
                                 [[row["customer"], row["contract"],
                                   *("—" if v is None else f"{v:.2f}" for v in row["averages"])]
                                  for row in trend["series"]],
                                 caption=_t("Average satisfaction score per month (1–5)"))])


def internal_xlsx(report) -> bytes:
    return render_xlsx([internal_table(report.snapshot or {})], [_t("Customers")])


def minutes_sections(minutes, language):
    meeting = minutes.meeting
    attendees = list(meeting.attendees.select_related("user"))
    present = [str(a.user) for a in attendees if a.present]
    absent = [str(a.user) for a in attendees if a.present is False]
    sections = [Section(_t("Meeting"), [
        _t("Meeting: %(t)s") % {"t": meeting.title},
        _t("Time: %(s)s – %(e)s") % {"s": display.datetime_text(meeting.start),
                                     "e": timezone.localtime(meeting.end).strftime("%H:%M")},
        _t("Location: %(l)s") % {"l": meeting.location or "—"},
        _t("Chair: %(c)s; minute-taker: %(m)s") % {"c": meeting.chair, "m": meeting.minute_taker},
        _t("Present: %(p)s") % {"p": ", ".join(present) or "—"},
        _t("Absent: %(a)s") % {"a": ", ".join(absent) or "—"}])]
    sections.append(Section(_t("Discussion"), tables=[Table([_t("Agenda item"), _t("Discussion")],
                                                            [[d.get("item", ""), d.get("discussion", "")]
                                                             for d in minutes.discussion or []])]))
    sections.append(Section(_t("Decisions"), [minutes.decisions or "—"]))
    actions = list(minutes.actions.select_related("owner"))
    sections.append(Section(_t("Action items"), [] if actions else [_t("None.")], tables=[
        Table([_t("Action item"), _t("Owner"), _t("Due date"), _t("Status"), _t("Closed at")],
              [[a.description, str(a.owner), a.due_date, a.get_status_display(), a.closed_at] for a in actions])]
        if actions else []))
    return sections


def profile_sections(profile, language):
    from projects.choices import ReportPeriod, ReportSection

    from .choices import Metric

    return [Section(_t("Report profile"), [
        _t("Contract: %(c)s") % {"c": profile.contract},
        _t("Period: %(p)s") % {"p": ReportPeriod(profile.report_period).label},
        _t("Content: %(s)s") % {"s": ", ".join(str(ReportSection(s).label) for s in profile.sections) or "—"},
        _t("Metrics: %(m)s") % {"m": ", ".join(str(Metric(m).label) for m in profile.metrics) or _t("all")},
        _t("Recipients: %(r)s") % {"r": ", ".join(profile.recipients) or "—"},
        _t("Due by day %(d)s of the next month") % {"d": profile.due_day}]), agreement_section(profile)]


def agreement_section(profile):
    """The customer's answers on this version of the profile: who, when, which version, agreed or changes."""
    answers = list(profile.agreements.order_by("decided_at", "pk"))
    if not answers:
        return Section(_t("Agreed with the customer"), [_t("Not agreed by the customer yet.")])
    return Section(_t("Agreed with the customer"), tables=[Table(
        [_t("Decision"), _t("Version"), _t("Customer contact"), _t("Time"), _t("Comment")],
        [[a.get_decision_display(), f"v{a.version}", a.name, display.datetime_text(a.decided_at), a.comment]
         for a in answers])])


def record_pdf(record) -> bytes:
    """The record as the PDF that is e-mailed (in its report profile's language, if it has one)."""
    from django.conf import settings
    from django.utils import translation

    from core.exporting import build_document
    from core.exports import render_pdf

    language = getattr(getattr(record, "profile", None), "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return render_pdf(build_document(record, language=language))
