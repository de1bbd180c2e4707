/* Monthly service report charts (ECharts). Data: the json_script element "report-chart-data"; no inline
   script, so the strict CSP holds. Each chart element gets data-ready="1" once drawn. */
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var charts = [];

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    // Canvas text does not inherit CSS: hand ECharts the page's font (the shipped Noto Sans SC),
    // or Chinese labels render as boxes on machines without a system CJK font.
    option.textStyle = Object.assign({ fontFamily: getComputedStyle(document.body).fontFamily }, option.textStyle);
    chart.setOption(option);
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () { chart.setOption(option, true); });  // redraw once the font is in
    }
    el.dataset.ready = "1";
    charts.push(chart);
  }

  make("chart-priority", {
    tooltip: { trigger: "axis" },
    legend: { data: [L.response, L.resolution, L.target] },
    xAxis: { type: "category", data: data.priorities },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: L.response, type: "bar", data: data.response },
      { name: L.resolution, type: "bar", data: data.resolution },
      { name: L.target, type: "line", step: "middle", data: data.targets, symbol: "none",
        lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#dc3545" } }
    ]
  });

  make("chart-categories", {
    tooltip: { trigger: "axis" },
    legend: { data: [L.this_month, L.previous] },
    grid: { left: 110 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.categories.names, inverse: true },
    series: [
      { name: L.this_month, type: "bar", data: data.categories.count },
      { name: L.previous, type: "bar", data: data.categories.previous, itemStyle: { opacity: 0.45 } }
    ]
  });

  make("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: [L.response, L.resolution, L.availability, L.volume] },
    xAxis: { type: "category", data: data.trend.labels },
    yAxis: [
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      { type: "value", name: L.volume, splitLine: { show: false } }
    ],
    series: [
      { name: L.response, type: "line", data: data.trend.response },
      { name: L.resolution, type: "line", data: data.trend.resolution },
      { name: L.availability, type: "line", data: data.trend.availability },
      { name: L.volume, type: "bar", yAxisIndex: 1, data: data.trend.volume, itemStyle: { opacity: 0.35 } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
