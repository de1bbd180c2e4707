/* SLA dashboard charts (ECharts). Data comes from the json_script element "sla-chart-data";
   no inline script, so the strict CSP holds. */
(function () {
  "use strict";
  var source = document.getElementById("sla-chart-data");
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

  var availability = data.availability;
  var target = data.availability_target;
  var low = Math.min(availability === null ? 100 : availability, target === null ? 100 : target);
  make("chart-availability", {
    series: [{
      type: "gauge", min: Math.max(0, Math.floor(low - 1)), max: 100, progress: { show: true },
      detail: { formatter: availability === null ? "—" : "{value}%", fontSize: 22, offsetCenter: [0, "55%"] },
      title: { offsetCenter: [0, "85%"] },
      data: [{ value: availability === null ? 0 : availability, name: L.availability }],
      axisLine: target === null ? {} : { lineStyle: { width: 10, color: [
        [(target - Math.max(0, Math.floor(low - 1))) / (100 - Math.max(0, Math.floor(low - 1))), "#dc3545"],
        [1, "#198754"]] } }
    }]
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
      { name: L.response, type: "line", data: data.trend.response, connectNulls: false },
      { name: L.resolution, type: "line", data: data.trend.resolution },
      { name: L.availability, type: "line", data: data.trend.availability },
      { name: L.volume, type: "bar", yAxisIndex: 1, data: data.trend.volume, itemStyle: { opacity: 0.35 } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
