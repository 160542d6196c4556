// Draws the admin dashboard's trend chart from the JSON the page carries (no request of its own).
(function () {
  "use strict";
  var canvas = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  var trend = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1"];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: trend.labels,
      datasets: trend.datasets.map(function (set, i) {
        return {label: set.label, data: set.data, borderColor: colours[i % colours.length],
                backgroundColor: colours[i % colours.length], spanGaps: true, tension: 0.2};
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {y: {beginAtZero: true, ticks: {precision: 0}}},
      locale: document.documentElement.lang || "id"
    }
  });
})();
