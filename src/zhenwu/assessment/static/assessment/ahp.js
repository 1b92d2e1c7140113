// AHP pairwise comparisons: the consistency ratio CR, shown live while the judgements are chosen.
// The server computes the same (assessment.weights.ahp) when the form is submitted.
(function () {
  "use strict";
  var box = document.getElementById("zw-ahp");
  var out = document.getElementById("zw-ahp-live");
  if (!box || !out) return;
  var ri = out.getAttribute("data-ri").split(",").map(Number);
  var value = function (text) {
    var parts = String(text).split("/");
    return parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(text);
  };
  function update() {
    var selects = box.querySelectorAll("select.zw-ahp-pair");
    var n = 0;
    selects.forEach(function (s) { n = Math.max(n, Number(s.dataset.j) + 1); });
    if (n < 3) { out.textContent = ""; return; }
    var a = [];
    for (var i = 0; i < n; i++) { a.push([]); for (var j = 0; j < n; j++) a[i].push(1); }
    selects.forEach(function (s) {
      var v = value(s.value), i = Number(s.dataset.i), j = Number(s.dataset.j);
      a[i][j] = v; a[j][i] = 1 / v;
    });
    var w = a.map(function () { return 1 / n; });
    for (var k = 0; k < 200; k++) {
      var next = a.map(function (row) { return row.reduce(function (s, x, c) { return s + x * w[c]; }, 0); });
      var sum = next.reduce(function (s, x) { return s + x; }, 0);
      w = next.map(function (x) { return x / sum; });
    }
    var lambda = a.reduce(function (s, row, r) {
      return s + row.reduce(function (t, x, c) { return t + x * w[c]; }, 0) / w[r];
    }, 0) / n;
    var ci = Math.max(0, (lambda - n) / (n - 1));
    var cr = ri[n - 1] ? ci / ri[n - 1] : 0;
    var weights = w.map(function (x) { return x.toFixed(3); }).join("、");
    out.className = "mt-2 small " + (cr < 0.1 ? "text-success" : "text-danger");
    out.textContent = "当前一致性比率 CR = " + cr.toFixed(3) + (cr < 0.1 ? "，通过一致性检验" : " ≥ 0.10，请调整前后矛盾的比较") +
      "；权重约为 " + weights + "。";
  }
  box.addEventListener("change", update);
  update();
})();
