// Adds another empty line to a Django formset whose rows live in #lines.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("add-line");
  const template = document.getElementById("empty-line");
  const total = document.querySelector('input[name$="-TOTAL_FORMS"]');
  if (!button || !template || !total) return;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    document.getElementById("lines").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    document.querySelector(`[name="lines-${index}-category"]`)?.focus();
  });
});
