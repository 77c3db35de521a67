/* 办成事 工作台 charts: ECharts from the server's chart data, a table view, PNG download, and a click on
   a bar or slice opens the list of the cases it counts. No inline scripts, no eval (CSP with nonces). */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var specs = JSON.parse(source.textContent || "{}");
  var instances = {};

  function points(series) {
    return series.data.map(function (p) { return { value: p.value, url: p.url }; });
  }

  function axisOptions(spec, horizontal) {
    var category = {
      type: "category", data: spec.categories, inverse: horizontal,
      axisLabel: { interval: 0, width: horizontal ? 150 : 90, overflow: "truncate", rotate: !horizontal && spec.categories.length > 8 ? 30 : 0 }
    };
    var value = { type: "value", name: spec.unit, minInterval: 1, nameTextStyle: { align: horizontal ? "center" : "left" } };
    return horizontal ? { xAxis: value, yAxis: category } : { xAxis: category, yAxis: value };
  }

  function options(spec) {
    var base = {
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", confine: true },
      legend: { type: "scroll", top: 0 },
      grid: { left: spec.kind === "hbar" ? 160 : 48, right: 24, top: 36, bottom: 48, containLabel: false }
    };
    if (spec.kind === "pie") {
      base.legend = { type: "scroll", bottom: 0 };
      base.series = [{
        type: "pie", radius: ["30%", "62%"], center: ["50%", "46%"],
        label: { formatter: "{b}：{c}" },
        data: spec.series[0].data.map(function (p, i) { return { name: spec.categories[i], value: p.value, url: p.url }; })
      }];
      return base;
    }
    var horizontal = spec.kind === "hbar";
    var axes = axisOptions(spec, horizontal);
    base.xAxis = axes.xAxis;
    base.yAxis = axes.yAxis;
    if (spec.series.length < 2) { base.legend = { show: false }; base.grid.top = 24; }
    base.series = spec.series.map(function (s) {
      var item = { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: points(s),
                   label: { show: true, position: spec.kind === "stack" ? "inside" : (horizontal ? "right" : "top") } };
      if (spec.kind === "stack") { item.stack = "total"; item.label.formatter = function (p) { return p.value || ""; }; }
      if (spec.kind === "line") { item.connectNulls = false; item.symbolSize = 8; }
      return item;
    });
    return base;
  }

  function draw(element) {
    var spec = specs[element.getAttribute("data-chart")];
    if (!spec) { return; }
    var chart = echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption(options(spec));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.assign(url); }
    });
    instances[spec.name] = chart;
  }

  function toggleTable(button) {
    var name = button.getAttribute("data-chart");
    var table = document.getElementById("table-" + name);
    var canvas = document.getElementById("chart-" + name);
    var showTable = table.hidden;
    table.hidden = !showTable;
    if (canvas) { canvas.hidden = showTable; }
    button.setAttribute("aria-expanded", showTable ? "true" : "false");
    if (!showTable && instances[name]) { instances[name].resize(); }
  }

  function downloadPng(button) {
    var name = button.getAttribute("data-chart");
    var chart = instances[name];
    if (!chart) { return; }
    var link = document.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    link.download = (specs[name].title || name) + ".png";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  }

  function resizeAll() {
    Object.keys(instances).forEach(function (name) { instances[name].resize(); });
  }

  document.querySelectorAll(".chart-canvas[data-chart]").forEach(draw);
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".chart-table-toggle");
    if (toggle) { toggleTable(toggle); return; }
    var png = event.target.closest(".chart-png");
    if (png) { downloadPng(png); }
  });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (window.matchMedia) { window.matchMedia("print").addEventListener("change", resizeAll); }
})();
