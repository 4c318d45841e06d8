// Progressive enhancement for the console's server-rendered pages:
// charts from the JSON beside each canvas, and live updates over Server-Sent Events.
// Without JavaScript every figure is still in the tables and a reload shows new events.
"use strict";

const charts = [];

function drawCharts(root) {
  while (charts.length) charts.pop().destroy();
  if (typeof Chart === "undefined") return;
  const palette = ["#0b5cad", "#b3261e", "#1b7f3b", "#8a4b00", "#5b3a9e"];
  root.querySelectorAll("script[data-chart-for]").forEach((source) => {
    const spec = JSON.parse(source.textContent);
    const canvas = document.getElementById(source.dataset.chartFor);
    if (!spec || !canvas) return;
    charts.push(new Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((series, index) => ({
          label: series.label,
          data: series.values,
          backgroundColor: palette[index % palette.length],
          borderColor: palette[index % palette.length],
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    }));
  });
}

// Fetch the page again and swap its main content, unless the user is typing in a form there.
let refreshTimer = null;
function refreshMain() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const main = document.getElementById("content");
    if (main.contains(document.activeElement) && document.activeElement.form) return;
    const response = await fetch(window.location.href, { headers: { "Accept": "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("content");
    if (!fresh) return;
    main.replaceChildren(...fresh.childNodes);
    drawCharts(main);
  }, 300);
}

function showLive(entry) {
  const feed = document.getElementById("live-feed");
  if (!feed) return;
  const item = document.createElement("li");
  const time = document.createElement("time");
  time.dateTime = entry.occurred_at;
  time.textContent = entry.occurred_at.slice(0, 16).replace("T", " ");
  item.append(time, " ", entry.label);
  if (entry.case_id) {
    const link = document.createElement("a");
    link.href = "/cases/" + entry.case_id;
    link.textContent = entry.case_ref.slice(-8);
    item.append(" · ", link);
  } else if (entry.case_ref) {
    item.append(" · " + entry.case_ref);
  }
  feed.prepend(item);
  while (feed.children.length > 20) feed.lastElementChild.remove();
}

function listen() {
  if (!document.getElementById("live-feed") || typeof EventSource === "undefined") return;
  // Start after the last event the page was rendered from, so nothing between render and connect is missed.
  const seq = document.body.dataset.seq;
  const source = new EventSource(seq === undefined ? "/live" : "/live?after=" + seq);
  source.addEventListener("timeline", (message) => {
    showLive(JSON.parse(message.data));
    refreshMain();
  });
  document.body.dataset.live = "connected";
}

document.addEventListener("DOMContentLoaded", () => {
  drawCharts(document);
  listen();
});
