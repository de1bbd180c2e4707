/* Monthly service report charts (ECharts). Data: the json_script element "report-chart-data"; no inline
   script, so the strict CSP holds. Each chart element gets data-ready="1" once drawn.
   Honest charts: every chart has a title and units; a month without data is null (a gap, never 0 or 100 %);
   the percent axes start at the floor the server computed from the data and the targets (e.g. 85 % for
   88.9 % against 99 %), so the gap between result and target is visible. */
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var T = data.titles;
  var charts = [];
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;

  function title(text) {
    return { text: text, left: "center", top: 0, textStyle: { fontSize: 14, fontWeight: 600 } };
  }
  function percentAxis(floor, name) {
    return { type: "value", min: floor, max: 100, interval: (100 - floor) / 5, name: name, nameTextStyle: { align: "left" },
             axisLabel: { formatter: "{value}%" } };
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
  var legendBottom = { bottom: 0, type: "scroll" };
  var grid = { top: 48, bottom: 56, left: 56, right: 56, containLabel: false };

  make("chart-priority", {
    title: title(T.priority),
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? L.no_data : v + "%"; } },
    legend: Object.assign({ data: [L.response, L.resolution, L.target] }, legendBottom),
    grid: grid,
    xAxis: { type: "category", data: data.priorities },
    yAxis: percentAxis(data.priority_floor, L.percent),
    series: [
      { name: L.response, type: "bar", data: data.response },
      { name: L.resolution, type: "bar", data: data.resolution },
      { name: L.target, type: "line", step: "middle", data: data.targets, symbol: "none",
        lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#dc3545" } }
    ]
  });

  var names = data.categories.names;
  make("chart-categories", {
    title: title(T.categories),
    tooltip: { trigger: "axis" },
    legend: Object.assign({ data: [L.this_month, L.previous] }, legendBottom),
    // A fixed label column: long category names are cut with "…" (the full name is in the tooltip and the table).
    grid: { top: 40, bottom: 64, left: narrow ? 96 : 136, right: 24 },
    xAxis: { type: "value", name: L.count, nameLocation: "middle", nameGap: 22, minInterval: 1 },
    yAxis: { type: "category", data: names, inverse: true,
             axisLabel: { width: narrow ? 86 : 126, overflow: "truncate", interval: 0 } },
    series: [
      { name: L.this_month, type: "bar", data: data.categories.count },
      { name: L.previous, type: "bar", data: data.categories.previous, itemStyle: { opacity: 0.45 } }
    ]
  });

  var trend = data.trend;
  var targetLine = trend.availability_target === null || trend.availability_target === undefined ? [] :
    [{ yAxis: trend.availability_target, name: L.availability_target }];
  make("chart-trend", {
    title: title(T.trend),
    tooltip: { trigger: "axis" },
    legend: Object.assign({ data: [L.response, L.resolution, L.availability, L.volume] }, legendBottom),
    grid: grid,
    xAxis: { type: "category", data: trend.labels, axisLabel: { hideOverlap: true } },
    yAxis: [
      percentAxis(trend.floor, L.percent),
      { type: "value", name: L.count, nameTextStyle: { align: "right" }, minInterval: 1, splitLine: { show: false } }
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
