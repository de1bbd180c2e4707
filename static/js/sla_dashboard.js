/* SLA dashboard charts (ECharts). Data comes from the json_script element "sla-chart-data";
   no inline script, so the strict CSP holds.
   Honest charts: a title and units on every chart; a month without service data is null (a gap);
   percent axes start at the floor the server computed from the data and the targets. */
(function () {
  "use strict";
  var source = document.getElementById("sla-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var T = data.titles;
  var charts = [];

  function title(text) {
    return { text: text, left: "center", top: 0, textStyle: { fontSize: 14, fontWeight: 600 } };
  }
  function percentAxis(floor) {
    return { type: "value", min: floor, max: 100, interval: (100 - floor) / 5, name: L.percent, axisLabel: { formatter: "{value}%" } };
  }
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
  var legend = { bottom: 0, type: "scroll" };
  var grid = { top: 48, bottom: 56, left: 56, right: 56 };

  make("chart-priority", {
    title: title(T.priority),
    tooltip: { trigger: "axis" },
    legend: Object.assign({ data: [L.response, L.resolution, L.target] }, legend),
    grid: grid,
    xAxis: { type: "category", data: data.priorities },
    yAxis: percentAxis(data.priority_floor),
    series: [
      { name: L.response, type: "bar", data: data.response },
      { name: L.resolution, type: "bar", data: data.resolution },
      { name: L.target, type: "line", step: "middle", data: data.targets, symbol: "none",
        lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#dc3545" } }
    ]
  });

  // The gauge: its scale starts just below the lower of result and target; few ticks with one decimal,
  // labels inside the ring, the value below the centre and the target named under it: nothing overlaps.
  var availability = data.availability;
  var target = data.availability_target;
  var low = data.gauge_floor;
  make("chart-availability", {
    title: title(T.availability),
    series: [{
      type: "gauge", min: low, max: 100, splitNumber: 4, radius: "78%", center: ["50%", "58%"],
      // The ring behind shows the scale (red below the target, green above); the progress arc says met or missed.
      progress: { show: true, width: 10, itemStyle: { color: availability === null ? "#adb5bd" :
        (target === null || availability >= target ? "#198754" : "#dc3545") } },
      axisTick: { show: false },
      splitLine: { length: 8, distance: 2 },
      axisLabel: { distance: 16, fontSize: 10, formatter: function (v) { return (Math.round(v * 10) / 10) + "%"; } },
      pointer: { width: 4, length: "55%" },
      anchor: { show: true, size: 8 },
      detail: { formatter: availability === null ? L.no_data : "{value}%", fontSize: 20, offsetCenter: [0, "45%"],
                valueAnimation: false },
      title: { offsetCenter: [0, "75%"], fontSize: 11, color: "#6c757d" },
      data: [{ value: availability === null ? low : availability,
               name: target === null ? "" : L.availability_target + " " + target + "%" }],
      axisLine: { lineStyle: { width: 10, color: target === null ? [[1, "#e9ecef"]] : [
        [Math.max(0, Math.min(1, (target - low) / (100 - low))), "#f8d7da"], [1, "#d1e7dd"]] } }
    }]
  });

  var trend = data.trend;
  var targetLine = target === null ? [] : [{ yAxis: target, name: L.availability_target }];
  make("chart-trend", {
    title: title(T.trend),
    tooltip: { trigger: "axis" },
    legend: Object.assign({ data: [L.response, L.resolution, L.availability, L.volume] }, legend),
    grid: grid,
    xAxis: { type: "category", data: trend.labels, axisLabel: { hideOverlap: true } },
    yAxis: [
      percentAxis(trend.floor),
      { type: "value", name: L.count, minInterval: 1, splitLine: { show: false } }
    ],
    series: [
      { name: L.response, type: "line", data: trend.response, connectNulls: false, showSymbol: true, symbolSize: 6 },
      { name: L.resolution, type: "line", data: trend.resolution, connectNulls: false, showSymbol: true, symbolSize: 6 },
      { name: L.availability, type: "line", data: trend.availability, connectNulls: false, showSymbol: true, symbolSize: 6,
        markLine: { symbol: "none", silent: true, data: targetLine, lineStyle: { color: "#dc3545", type: "dashed" },
                    label: { formatter: "{b} {c}%", position: "insideStartTop" } } },
      { name: L.volume, type: "bar", yAxisIndex: 1, data: trend.volume, itemStyle: { opacity: 0.35 } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
