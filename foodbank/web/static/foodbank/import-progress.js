// While an import runs, poll its progress and reload the page when it has finished.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("import");
  if (!section || section.dataset.status !== "pending") return;
  const poll = async () => {
    const answer = await (await fetch(section.dataset.poll, { credentials: "same-origin" })).json();
    const bar = document.getElementById("import-progress");
    bar.max = Math.max(answer.total, 1);
    bar.value = answer.done;
    document.getElementById("import-done").textContent = answer.done;
    document.getElementById("import-total").textContent = answer.total;
    if (answer.status !== "pending") window.location.reload();
    else setTimeout(poll, 1000);
  };
  setTimeout(poll, 500);
});
