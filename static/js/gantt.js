/* ServPlan work plan Gantt chart: a small SVG chart, no library.
 *
 * Data comes from the json_script element #gantt-data (tasks, finish-to-start links with the critical path
 * marked, today in the company's zone, whether the plan is an editable draft). The chart shows a today line,
 * a label at every bar, the links as arrows (critical ones in red), summary tasks as brackets (their dates
 * are derived from the sub-tasks), and zooms by day, week or month (#gantt-zoom buttons).  In a draft, dragging a bar sideways moves the task; on release the new start is
 * POSTed to the reschedule endpoint (#gantt[data-reschedule-url]), which moves the task and its successors
 * on the server and answers with every task that moved; the chart redraws with those dates.
 * No inline script and no inline styles: the Content-Security-Policy forbids both.
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const DAY_MS = 86400000;
  const ROW = 24;
  const HEADER = 32;
  const LABEL_WIDTH = 280;

  const container = document.getElementById("gantt");
  const source = document.getElementById("gantt-data");
  if (!container || !source) return;
  const data = JSON.parse(source.textContent);
  const statusLine = document.getElementById("gantt-status");
  container.dataset.moves = "0";  // successful moves so far (tests wait for it to change)
  const tasks = data.tasks;
  const byId = new Map(tasks.map((t) => [t.id, t]));

  function dayNumber(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
  }
  function isoOf(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }
  function say(text, isError) {
    if (!statusLine) return;
    statusLine.textContent = text;
    statusLine.className = "small px-2 py-1 " + (isError ? "text-danger" : "text-success");
  }

  // Zoom: pixels per day and the header's lower tick row. "day" ticks every day, "week" every Monday
  // (ISO week number), "month" only the months. The upper row always names the months.
  const ZOOMS = { day: 28, week: 9, month: 3 };
  let zoom = null;
  let first = 0;
  let dayWidth = 12;
  let labelWidth = LABEL_WIDTH;

  function scale() {
    if (!tasks.length) return 0;
    const starts = tasks.map((t) => dayNumber(t.start));
    const ends = tasks.map((t) => dayNumber(t.end));
    const today = data.today ? dayNumber(data.today) : null;
    first = Math.min(...starts) - 3;
    let last = Math.max(...ends) + 10;
    if (today !== null && today >= first - 30 && today <= last + 30) {  // keep a nearby today in view
      first = Math.min(first, today - 3);
      last = Math.max(last, today + 3);
    }
    const span = last - first;
    // On a phone the task names get a narrower column; the chart scrolls inside its container.
    labelWidth = container.clientWidth < 576 ? 130 : LABEL_WIDTH;
    if (!zoom) {  // first draw: the finest zoom that fits, at least "month"
      const room = Math.max(container.clientWidth - labelWidth - 20, 300);
      zoom = span * ZOOMS.day <= room ? "day" : (span * ZOOMS.week <= room * 1.5 ? "week" : "month");
    }
    dayWidth = ZOOMS[zoom];
    container.dataset.dayWidth = String(dayWidth);
    container.dataset.zoom = zoom;
    document.querySelectorAll("#gantt-zoom [data-zoom]").forEach((button) => {
      button.classList.toggle("active", button.dataset.zoom === zoom);
      button.setAttribute("aria-pressed", button.dataset.zoom === zoom ? "true" : "false");
    });
    return span;
  }

  function barX(task) {
    return labelWidth + (dayNumber(task.start) - first) * dayWidth;
  }
  function barWidth(task) {
    return (dayNumber(task.end) - dayNumber(task.start) + 1) * dayWidth;
  }
  function isoWeek(day) {
    const date = new Date(day * DAY_MS);
    const thursday = new Date(date);
    thursday.setUTCDate(date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7));
    const jan4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
    return 1 + Math.round(((thursday - jan4) / DAY_MS - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  }

  function drawScale(svg, span, height) {
    el("rect", { x: labelWidth, y: 0, width: span * dayWidth, height: HEADER, class: "gantt-header" }, svg);
    for (let day = first; day < first + span; day++) {
      const date = new Date(day * DAY_MS);
      const x = labelWidth + (day - first) * dayWidth;
      if (date.getUTCDate() === 1 || day === first) {
        el("line", { x1: x, x2: x, y1: 0, y2: height, class: "gantt-grid month" }, svg);
        if (date.getUTCDate() <= 20) {  // no half-cut month name at the left edge
          el("text", { x: x + 3, y: 13, class: "gantt-scale" }, svg).textContent = isoOf(day).slice(0, 7);
        }
      }
      if (zoom === "day") {
        if (date.getUTCDay() === 0 || date.getUTCDay() === 6) {
          el("rect", { x, y: HEADER, width: dayWidth, height: height - HEADER, class: "gantt-weekend" }, svg);
        }
        el("text", { x: x + dayWidth / 2, y: HEADER - 4, class: "gantt-scale minor", "text-anchor": "middle" },
           svg).textContent = String(date.getUTCDate());
      } else if (zoom === "week" && date.getUTCDay() === 1) {
        el("line", { x1: x, x2: x, y1: 16, y2: height, class: "gantt-grid" }, svg);
        el("text", { x: x + 2, y: HEADER - 4, class: "gantt-scale minor" }, svg).textContent =
          data.labels.week.replace("%(n)s", isoWeek(day));
      }
    }
  }

  function draw() {
    container.replaceChildren();
    if (!tasks.length) return;
    const span = scale();
    const width = labelWidth + span * dayWidth + 70;  // room for the last month's name
    const height = HEADER + tasks.length * ROW + 22;  // a strip at the bottom names the today line
    const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, id: "gantt-svg",
                            role: "img", "aria-label": "Gantt" }, container);
    drawScale(svg, span, height);
    if (data.today) {
      const today = dayNumber(data.today);
      if (today >= first && today <= first + span) {
        const x = labelWidth + (today - first + 0.5) * dayWidth;
        el("line", { x1: x, x2: x, y1: HEADER, y2: height, class: "gantt-today", id: "gantt-today",
                     "data-date": data.today }, svg);
        el("text", { x: x + 3, y: height - 5, class: "gantt-today-label" }, svg).textContent = data.labels.today;
      }
    }
    const rows = new Map();
    tasks.forEach((task, index) => rows.set(task.id, HEADER + index * ROW));
    // Links first, so the bars sit on top of them. Route: out of the predecessor's end, down to the
    // successor's row, into its start; when the successor starts before that point, go round below.
    for (const link of data.links) {
      const from = byId.get(link.from);
      const to = byId.get(link.to);
      if (!from || !to) continue;
      const x1 = barX(from) + barWidth(from);
      const y1 = rows.get(from.id) + ROW / 2;
      const x2 = barX(to);
      const y2 = rows.get(to.id) + ROW / 2;
      const cls = "gantt-link" + (link.critical ? " critical" : "");
      let d;
      if (x2 - 8 >= x1 + 4) {
        const elbow = x1 + 4;
        d = `M${x1},${y1} H${elbow} V${y2} H${x2 - 4}`;
      } else {
        const below = y1 + (y2 > y1 ? ROW / 2 : -ROW / 2);
        d = `M${x1},${y1} H${x1 + 6} V${below} H${x2 - 10} V${y2} H${x2 - 4}`;
      }
      el("path", { d, class: cls, "data-from": from.id, "data-to": to.id }, svg);
      el("path", { d: `M${x2 - 5},${y2 - 4} L${x2},${y2} L${x2 - 5},${y2 + 4} Z`,
                   class: "gantt-arrow" + (link.critical ? " critical" : "") }, svg);
    }
    el("rect", { x: 0, y: 0, width: labelWidth, height, class: "gantt-label-column" }, svg);
    for (const task of tasks) {
      const y = rows.get(task.id);
      const label = el("text", { x: 6 + task.level * 10, y: y + 16,
                                 class: "gantt-label" + (task.summary ? " summary" : "") }, svg);
      const room = Math.floor((labelWidth - 10 - task.level * 10) / 12);
      const text = `${task.wbs} ${task.name}`;
      label.textContent = text.length > room ? text.slice(0, Math.max(room - 1, 1)) + "…" : text;
      const editable = data.editable && !task.summary;
      const common = { id: `gantt-bar-${task.id}`, "data-id": task.id, "data-start": task.start,
                       "data-end": task.end };
      const kind = (task.critical ? " critical" : "") + (editable ? " editable" : "");
      let bar;
      let right;
      if (task.milestone) {
        const cx = barX(task) + dayWidth / 2;
        const cy = y + ROW / 2;
        bar = el("polygon", { ...common, points: `${cx},${cy - 8} ${cx + 8},${cy} ${cx},${cy + 8} ${cx - 8},${cy}`,
                              class: "gantt-milestone gantt-bar" + kind }, svg);
        right = cx + 10;
      } else if (task.summary) {
        // A summary task's span is derived from its sub-tasks: drawn as a bracket, not a draggable bar.
        const x = barX(task);
        const w = barWidth(task);
        bar = el("path", { ...common, d: `M${x},${y + 6} H${x + w} V${y + 16} L${x + w - 5},${y + 11} ` +
                                         `H${x + 5} L${x},${y + 16} Z`, class: "gantt-bar summary" + kind }, svg);
        right = x + w + 4;
      } else {
        bar = el("rect", { ...common, x: barX(task), y: y + 4, width: barWidth(task), height: ROW - 8,
                           class: "gantt-bar" + kind + (task.justMoved ? " moved" : "") }, svg);
        right = barX(task) + barWidth(task) + 4;
      }
      // The bar's own label: the task name to the right of the bar (the left column may be cut short).
      el("text", { x: right + 4, y: y + 16, class: "gantt-bar-label", "data-for": task.id }, svg).textContent =
        task.name + (task.assignee ? ` · ${task.assignee}` : "");
      el("title", {}, bar).textContent = `${task.wbs} ${task.name}: ${task.start} – ${task.end}` +
        (task.assignee ? ` · ${task.assignee}` : "") + (task.summary ? ` (${data.labels.derived})` : "") +
        (task.critical ? ` · ${data.labels.critical}` : "");
    }
  }

  document.querySelectorAll("#gantt-zoom [data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      zoom = button.dataset.zoom;
      draw();
    });
  });

  // ---- dragging --------------------------------------------------------------------------------
  let drag = null;

  container.addEventListener("pointerdown", (event) => {
    const bar = event.target.closest(".gantt-bar.editable");
    if (!bar || !data.editable) return;
    event.preventDefault();
    drag = { bar, id: Number(bar.dataset.id), x0: event.clientX, days: 0 };
    bar.classList.add("dragging");
    bar.setPointerCapture?.(event.pointerId);
  });

  container.addEventListener("pointermove", (event) => {
    if (!drag) return;
    drag.days = Math.round((event.clientX - drag.x0) / dayWidth);
    drag.bar.setAttribute("transform", `translate(${drag.days * dayWidth},0)`);
  });

  async function finish(event) {
    if (!drag) return;
    const { bar, id, days } = drag;
    drag = null;
    bar.classList.remove("dragging");
    if (!days) {
      bar.removeAttribute("transform");
      return;
    }
    const task = byId.get(id);
    const start = isoOf(dayNumber(task.start) + days);
    try {
      const response = await fetch(container.dataset.rescheduleUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ task: id, start }),
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || data.labels.error);
      tasks.forEach((t) => { t.justMoved = false; });
      for (const moved of answer.moved) {
        const target = byId.get(moved.id);
        if (!target) continue;
        target.start = moved.start;
        target.end = moved.end;
        target.justMoved = true;
        const row = document.querySelector(`#task-table tr[data-task="${moved.id}"]`);
        if (row) {
          row.querySelector(".task-start").textContent = moved.start;
          row.querySelector(".task-end").textContent = moved.end;
        }
      }
      draw();
      say(data.labels.moved.replace("%(n)s", answer.moved.length), false);
      container.dataset.moves = String(Number(container.dataset.moves || 0) + 1);
    } catch (error) {
      draw();
      say(error.message || data.labels.error, true);
    }
  }

  container.addEventListener("pointerup", finish);
  container.addEventListener("pointercancel", finish);
  window.addEventListener("resize", () => { if (!drag) draw(); });
  draw();
})();
