// 考核看板: score and rank over months for one village, items × villages heat map with drill-down.
(function () {
  var trendEl = document.getElementById("chart-trend");
  var heatEl = document.getElementById("chart-heat");
  if (!trendEl || !heatEl || !window.echarts) { return; }
  trendEl.style.height = "360px";
  heatEl.style.height = "360px";
  var trend = echarts.init(trendEl);
  var heat = echarts.init(heatEl);
  var unitSelect = document.getElementById("dash-unit");
  var monthSelect = document.getElementById("dash-month");
  var drillBase = "";
  var heatData = null;

  function load() {
    var url = trendEl.getAttribute("data-url") + "?unit=" + encodeURIComponent(unitSelect.value) +
      "&month=" + encodeURIComponent(monthSelect.value || "");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw);
  }

  function draw(data) {
    drillBase = data.drill_base;
    heatData = data.heat;
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: ["综合得分", "名次"] },
      grid: { left: 48, right: 48, bottom: 40 },
      xAxis: { type: "category", data: data.trend.map(function (t) { return t.month; }), axisLabel: { rotate: 30 } },
      yAxis: [
        { type: "value", name: "得分", scale: true },
        { type: "value", name: "名次", inverse: true, minInterval: 1, min: 1 }
      ],
      series: [
        { name: "综合得分", type: "line", data: data.trend.map(function (t) { return t.total; }), label: { show: true, fontSize: 10 } },
        { name: "名次", type: "line", step: "middle", yAxisIndex: 1, lineStyle: { type: "dashed" }, data: data.trend.map(function (t) { return t.rank; }) }
      ]
    }, true);
    var values = data.heat.cells.map(function (c) { return c[2]; });
    heat.setOption({
      animation: false,
      tooltip: { formatter: function (p) { return data.heat.units[p.value[1]].name + " · " + data.heat.items[p.value[0]].name + "：" + p.value[2]; } },
      grid: { left: 80, right: 20, top: 10, bottom: 80 },
      xAxis: { type: "category", data: data.heat.items.map(function (i) { return i.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "category", data: data.heat.units.map(function (u) { return u.name; }) },
      visualMap: { min: values.length ? Math.min.apply(null, values) : 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#d63939", "#f59f00", "#2fb344"] } },
      series: [{ type: "heatmap", data: data.heat.cells, label: { show: true } }]
    }, true);
  }

  heat.on("click", function (p) {
    if (!heatData || !heatData.month) { return; }
    var unit = heatData.units[p.value[1]];
    window.location.href = drillBase + "months/" + heatData.month.id + "/units/" + unit.id + "/";
  });
  unitSelect.addEventListener("change", load);
  monthSelect.addEventListener("change", load);
  window.addEventListener("resize", function () { trend.resize(); heat.resize(); });
  load();
})();
