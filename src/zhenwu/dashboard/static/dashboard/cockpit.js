// 领导驾驶舱: the satisfaction trend and campaigns by colour; the tables under each chart carry the same data.
(function () {
  if (!window.echarts) { return; }
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : []; }
  var charts = [];
  var trendEl = document.getElementById("chart-satisfaction");
  if (trendEl) {
    trendEl.style.height = "260px";
    var trend = data("cockpit-trend");
    var chart = echarts.init(trendEl);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      grid: { left: 44, right: 16, top: 16, bottom: 40 },
      xAxis: { type: "category", data: trend.map(function (t) { return t.month.slice(2); }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: "满意率", type: "line", connectNulls: false, data: trend.map(function (t) { return t.rate; }), label: { show: true, fontSize: 10 } }]
    });
    charts.push(chart);
  }
  var rag = document.getElementById("chart-campaigns");
  if (rag) {
    rag.style.height = "200px";
    var rows = data("cockpit-campaigns");
    var bar = echarts.init(rag);
    bar.setOption({
      animation: false,
      tooltip: {},
      grid: { left: 96, right: 24, top: 8, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return { value: r.value, itemStyle: { color: r.hex }, url: r.url }; }), label: { show: true, position: "right" } }]
    });
    bar.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
    charts.push(bar);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
