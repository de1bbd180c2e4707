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
