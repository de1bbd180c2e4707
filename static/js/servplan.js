/* ServPlan's own script (no inline scripts: the Content-Security-Policy refuses them). */

// Filter bar: the multi-choice dropdowns show what is ticked.  htmx re-renders only the table,
// so the button's summary is kept up to date here.
document.addEventListener("change", (event) => {
  const menu = event.target.closest(".filter-multi-menu");
  if (!menu) return;
  const summary = menu.parentElement.querySelector(".filter-summary");
  const chosen = Array.from(menu.querySelectorAll("input:checked"), (box) => {
    const span = document.createElement("span");
    span.className = "filter-chosen";
    span.textContent = menu.querySelector(`label[for="${box.id}"]`).textContent;
    return span;
  });
  summary.replaceChildren(...chosen);
});

// An inline editor (a task form opened on its record's page) closes without a round trip; its first field gets
// the focus when it opens, and an error summary is brought into view when the server returns the form with errors.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close-editor]");
  if (!button) return;
  const editor = document.querySelector(button.dataset.closeEditor);
  if (editor) editor.replaceChildren();
});
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || !target.querySelector) return;
  const summary = target.querySelector(".error-summary");
  const first = summary || target.querySelector("input:not([type=hidden]), select, textarea");
  if (first) first.focus({ preventScroll: false });
});

// A page loaded with form errors shows their summary first (it lists each problem with a link to its field).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("#object-form .error-summary");
  if (summary) summary.focus();
});

// Row tables in a form (inline formsets): "Add row" copies the blank row, numbered after the last one, up to the
// table's maximum.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const template = document.getElementById(`formset-${prefix}-empty`);
  const body = document.querySelector(`#formset-${prefix} tbody`);
  if (!total || !template || !body) return;
  const index = parseInt(total.value, 10);
  if (max && index >= parseInt(max.value, 10)) return;
  const html = template.innerHTML.replace(/__prefix__/g, String(index));
  body.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const added = body.lastElementChild;
  const number = added.querySelector("td");
  if (number && number.firstChild) number.firstChild.textContent = String(index + 1);
  const first = added.querySelector("input:not([type=hidden]), select, textarea");
  if (first) first.focus();
  if (max && index + 1 >= parseInt(max.value, 10)) button.disabled = true;
});
