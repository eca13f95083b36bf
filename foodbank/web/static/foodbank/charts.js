// Draw the dashboard's charts with Chart.js from the data each page holds in a json_script
// element (<canvas data-chart="id of that element">). Each chart's table stays on the page;
// once the chart is drawn, the table folds away behind "Show as a table".
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.Chart === "undefined") return; // no script: the tables stay open
  const style = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  const accent = colour("--accent", "#1b7f5b");
  const ink = colour("--ink", "#1d2a24");
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const small = () => window.matchMedia("(max-width: 40rem)").matches;
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = ink;

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const chart = JSON.parse(source.textContent);
    const box = canvas.parentElement;
    box.style.height = `${box.dataset.height}px`;
    const ranked = chart.kind === "ranked";
    const valueAxis = {
      beginAtZero: true,
      ticks: { callback: (value) => number.format(value).replace(/\.00$/, "") },
    };
    const labelAxis = {
      ticks: { autoSkip: !ranked, maxRotation: small() ? 60 : 0, font: { size: small() ? 12 : 14 } },
    };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.unit, data: chart.values, backgroundColor: accent }],
      },
      options: {
        indexAxis: ranked ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: { label: (item) => `${number.format(item.parsed[ranked ? "x" : "y"])} ${chart.unit}` },
          },
        },
        scales: ranked ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
    });
    const table = canvas.closest("section")?.querySelector(`details.chart-table[data-for="${canvas.id}"]`);
    if (table) table.open = false;
  });
});
