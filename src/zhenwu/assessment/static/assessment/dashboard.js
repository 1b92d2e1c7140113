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

  var esc = window.zwEscapeHtml;

  // The data table behind each chart, built as DOM text (never HTML) from the same JSON.
  function table(box, caption, head, rows) {
    var t = document.createElement("table");
    t.className = "table table-sm table-bordered mb-2";
    var cap = document.createElement("caption");
    cap.textContent = caption;
    t.appendChild(cap);
    var tr = document.createElement("tr");
    head.forEach(function (h) { var th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.appendChild(th); });
    t.createTHead().appendChild(tr);
    var body = t.createTBody();
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      row.forEach(function (cell, i) {
        var c = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) { c.scope = "row"; }
        if (cell && cell.href) {
          var a = document.createElement("a");
          a.href = cell.href;
          a.textContent = cell.text;
          c.appendChild(a);
        } else { c.textContent = cell === null || cell === undefined ? "—" : cell; }
        r.appendChild(c);
      });
      body.appendChild(r);
    });
    box.replaceChildren(t);
  }

  function drillUrl(unit) {
    return drillBase + "months/" + heatData.month.id + "/units/" + unit.id + "/";
  }

  function draw(data) {
    drillBase = data.drill_base;
    heatData = data.heat;
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis", formatter: function (ps) {
        return esc(ps[0].axisValue) + ps.map(function (p) { return "<br>" + esc(p.seriesName) + "：" + esc(p.value); }).join("");
      } },
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
      tooltip: { formatter: function (p) {
        return esc(data.heat.units[p.value[1]].name) + " · " + esc(data.heat.items[p.value[0]].name) + "：" + esc(p.value[2]);
      } },
      grid: { left: 80, right: 20, top: 10, bottom: 80 },
      xAxis: { type: "category", data: data.heat.items.map(function (i) { return i.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "category", data: data.heat.units.map(function (u) { return u.name; }) },
      visualMap: { min: values.length ? Math.min.apply(null, values) : 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#d63939", "#f59f00", "#2fb344"] } },
      series: [{ type: "heatmap", data: data.heat.cells, label: { show: true } }]
    }, true);
    var unitName = unitSelect.options[unitSelect.selectedIndex] ? unitSelect.options[unitSelect.selectedIndex].text : "";
    table(document.getElementById("trend-table"), unitName + " 各月综合得分与名次", ["月份", "综合得分", "名次"],
      data.trend.map(function (t) { return [t.month, t.total, t.rank]; }));
    var scores = {};
    data.heat.cells.forEach(function (c) { scores[c[1] + ":" + c[0]] = c[2]; });
    table(document.getElementById("heat-table"),
      (data.heat.month ? data.heat.month.label + " " : "") + "各村(社区)分项得分（选单位名称查看扣分明细）",
      ["村(社区)"].concat(data.heat.items.map(function (i) { return i.name; })),
      data.heat.units.map(function (u, y) {
        return [data.heat.month ? { href: drillUrl(u), text: u.name } : u.name].concat(
          data.heat.items.map(function (_i, x) { return scores[y + ":" + x]; }));
      }));
  }

  heat.on("click", function (p) {
    if (!heatData || !heatData.month) { return; }
    window.location.href = drillUrl(heatData.units[p.value[1]]);
  });
  unitSelect.addEventListener("change", load);
  monthSelect.addEventListener("change", load);
  window.addEventListener("resize", function () { trend.resize(); heat.resize(); });
  load();
})();
