// While a report export is being made, poll its status, move the progress bar, and offer
// the download when the file is ready.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("export");
  if (!section || !["pending", "running"].includes(section.dataset.status)) return;
  const bar = document.getElementById("export-progress");
  const poll = async () => {
    const answer = await (await fetch(section.dataset.poll, { credentials: "same-origin" })).json();
    bar.max = Math.max(answer.total, 1);
    bar.value = answer.done;
    if (answer.status === "pending" || answer.status === "running") {
      setTimeout(poll, 1000);
    } else {
      window.location.reload();
    }
  };
  setTimeout(poll, 500);
});
