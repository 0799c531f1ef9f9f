// Draws the statistics tables as charts (Chart.js, vendored). The tables stay on the page and are the
// content: a chart is an extra view of the same numbers, marked as such for screen readers, so nothing is
// lost without JavaScript or for someone who cannot see the chart.
(function () {
  "use strict";
  // Colour-blind safe (Okabe-Ito); series also differ by legend text and point shape, never colour alone.
  var COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];
  var SHAPES = ["circle", "rect", "triangle", "rectRot", "star", "cross"];

  function numbers(row) {
    return Array.prototype.map.call(row.querySelectorAll("td"), function (cell) {
      return Number(cell.textContent.trim()) || 0;
    });
  }

  function draw(table) {
    var box = document.querySelector('[data-chart-for="' + table.id + '"]');
    if (!box || typeof window.Chart === "undefined") return;
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    }).slice(1);
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (row) { return row.querySelector("th").textContent.trim(); });
    var values = rows.map(numbers);
    var kind = table.getAttribute("data-chart") === "line" ? "line" : "bar";
    var datasets = heads.map(function (name, i) {
      return {
        label: name,
        data: values.map(function (v) { return v[i]; }),
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: COLOURS[i % COLOURS.length],
        pointStyle: SHAPES[i % SHAPES.length],
        pointRadius: 4,
        borderWidth: kind === "line" ? 2 : 0
      };
    });
    var canvas = document.createElement("canvas");
    var caption = table.querySelector("caption");
    // The chart repeats the table below it: an image with a name, pointing at the table for the figures.
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", (caption ? caption.textContent.trim() : "") + " " + (table.getAttribute("data-chart-note") || ""));
    box.appendChild(canvas);
    box.hidden = false;
    new window.Chart(canvas, {
      type: kind,
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-chart]"), draw);
  });
})();
