// The pilot screen's charts (Chart.js, vendored): an extra view of a table that stays on the page. The table
// is the content; without JavaScript, or for someone who cannot see the chart, nothing is lost. Numbers come
// from data-value attributes, not from the cell text, which is formatted for people (Dutch decimal comma).
(function () {
  "use strict";
  // Colour-blind safe (Okabe-Ito); series also differ by legend text and point shape, never colour alone.
  var COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];
  var SHAPES = ["circle", "rect", "triangle", "rectRot", "star", "cross"];

  function text(node) { return node ? node.textContent.trim() : ""; }

  function draw(table) {
    var box = document.querySelector('[data-chart-for="' + table.id + '"]');
    if (!box || typeof window.Chart === "undefined") return;
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var datasets = [];
    heads.forEach(function (th, column) {
      if (!th.hasAttribute("data-series")) return;
      var i = datasets.length;
      datasets.push({
        label: text(th),
        data: rows.map(function (row) {
          var cell = row.children[column];
          return cell ? Number(cell.getAttribute("data-value")) || 0 : 0;
        }),
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: COLOURS[i % COLOURS.length],
        pointStyle: SHAPES[i % SHAPES.length],
        pointRadius: 4,
        borderWidth: 2
      });
    });
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", text(table.querySelector("caption")) + ". " + (table.getAttribute("data-chart-note") || ""));
    box.appendChild(canvas);
    box.hidden = false;
    new window.Chart(canvas, {
      type: table.getAttribute("data-chart") === "bar" ? "bar" : "line",
      data: { labels: rows.map(function (row) { return text(row.querySelector("th")); }), datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-chart]"), draw);
  });
})();
