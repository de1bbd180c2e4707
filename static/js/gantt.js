/* ServPlan work plan Gantt chart: a small SVG chart, no library.
 *
 * Data comes from the json_script element #gantt-data (tasks, finish-to-start links, whether the plan is
 * an editable draft).  In a draft, dragging a bar sideways moves the task; on release the new start is
 * POSTed to the reschedule endpoint (#gantt[data-reschedule-url]), which moves the task and its successors
 * on the server and answers with every task that moved; the chart redraws with those dates.
 * No inline script and no inline styles: the Content-Security-Policy forbids both.
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const DAY_MS = 86400000;
  const ROW = 24;
  const HEADER = 28;
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

  let first = 0;
  let dayWidth = 12;

  function scale() {
    if (!tasks.length) return;
    const starts = tasks.map((t) => dayNumber(t.start));
    const ends = tasks.map((t) => dayNumber(t.end));
    first = Math.min(...starts) - 3;
    const span = Math.max(...ends) - first + 10;
    const room = Math.max(container.clientWidth - LABEL_WIDTH - 20, 400);
    dayWidth = Math.max(3, Math.min(24, Math.floor(room / span)));
    container.dataset.dayWidth = String(dayWidth);
    return span;
  }

  function barX(task) {
    return LABEL_WIDTH + (dayNumber(task.start) - first) * dayWidth;
  }
  function barWidth(task) {
    return (dayNumber(task.end) - dayNumber(task.start) + 1) * dayWidth;
  }

  function draw() {
    container.replaceChildren();
    if (!tasks.length) return;
    const span = scale();
    const width = LABEL_WIDTH + span * dayWidth + 20;
    const height = HEADER + tasks.length * ROW + 8;
    const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, id: "gantt-svg",
                            role: "img", "aria-label": "Gantt" }, container);
    // Month ticks.
    for (let day = first; day < first + span; day++) {
      const date = new Date(day * DAY_MS);
      if (date.getUTCDate() !== 1 && day !== first) continue;
      const x = LABEL_WIDTH + (day - first) * dayWidth;
      el("line", { x1: x, x2: x, y1: HEADER - 6, y2: height, class: "gantt-grid" }, svg);
      el("text", { x: x + 3, y: 16, class: "gantt-scale" }, svg).textContent = isoOf(day).slice(0, 7);
    }
    const today = Math.round(Date.now() / DAY_MS);
    if (today >= first && today <= first + span) {
      const x = LABEL_WIDTH + (today - first) * dayWidth;
      el("line", { x1: x, x2: x, y1: HEADER - 6, y2: height, class: "gantt-today" }, svg);
    }
    const rows = new Map();
    tasks.forEach((task, index) => rows.set(task.id, HEADER + index * ROW));
    // Links first, so the bars sit on top of them.
    for (const link of data.links) {
      const from = byId.get(link.from);
      const to = byId.get(link.to);
      if (!from || !to) continue;
      const x1 = barX(from) + barWidth(from);
      const y1 = rows.get(from.id) + ROW / 2;
      const x2 = barX(to);
      const y2 = rows.get(to.id) + ROW / 2;
      const elbow = Math.max(x1 + 6, Math.min(x2 - 6, x1 + 6));
      el("path", { d: `M${x1},${y1} H${elbow} V${y2} H${x2 - 4}`, class: "gantt-link",
                   "data-from": from.id, "data-to": to.id }, svg);
      el("path", { d: `M${x2 - 5},${y2 - 4} L${x2},${y2} L${x2 - 5},${y2 + 4} Z`, class: "gantt-arrow" }, svg);
    }
    for (const task of tasks) {
      const y = rows.get(task.id);
      const label = el("text", { x: 6 + task.level * 12, y: y + 16, class: "gantt-label" }, svg);
      label.textContent = `${task.wbs} ${task.name}`.slice(0, 40);
      const editable = data.editable && !task.summary;
      const common = { id: `gantt-bar-${task.id}`, "data-id": task.id, "data-start": task.start,
                       "data-end": task.end };
      let bar;
      if (task.milestone) {
        const cx = barX(task) + dayWidth / 2;
        const cy = y + ROW / 2;
        bar = el("polygon", { ...common, points: `${cx},${cy - 8} ${cx + 8},${cy} ${cx},${cy + 8} ${cx - 8},${cy}`,
                              class: "gantt-milestone" + (editable ? " gantt-bar editable" : "") }, svg);
      } else {
        bar = el("rect", { ...common, x: barX(task), y: y + 4, width: barWidth(task), height: ROW - 8,
                           class: "gantt-bar" + (task.summary ? " summary" : "") + (editable ? " editable" : "") +
                                  (task.justMoved ? " moved" : "") }, svg);
      }
      el("title", {}, bar).textContent = `${task.wbs} ${task.name}: ${task.start} – ${task.end}` +
        (task.assignee ? ` · ${task.assignee}` : "");
    }
  }

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
