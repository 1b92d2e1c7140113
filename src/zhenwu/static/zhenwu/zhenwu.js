// zhenwu: small progressive enhancements; no inline scripts (CSP script-src 'self').
document.addEventListener("htmx:configRequest", function (evt) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { evt.detail.headers["X-CSRFToken"] = token.value; }
});
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { evt.preventDefault(); }
});
// Forms marked data-zw-once: disable the submit button after the first submit (no double orders;
// the server also deduplicates by client token).
document.addEventListener("submit", function (evt) {
  var form = evt.target;
  if (!form.hasAttribute || !form.hasAttribute("data-zw-once")) return;
  if (form.dataset.zwSubmitted) { evt.preventDefault(); return; }
  form.dataset.zwSubmitted = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.textContent = "正在提交…"; });
});
// File inputs: a Chinese "选择文件/添加照片" button and the chosen names, instead of the browser's own
// (English on many systems) control. Without JS the native input stays usable.
document.querySelectorAll("input[type=file]").forEach(function (input) {
  if (!input.id) return;
  var images = (input.getAttribute("accept") || "").indexOf("image/") === 0;
  var label = document.createElement("label");
  label.className = "btn btn-outline-primary w-100";
  label.htmlFor = input.id;
  label.textContent = images ? "添加照片" : "选择文件";
  var names = document.createElement("div");
  names.className = "small text-secondary mt-1 zw-file-names";
  names.id = input.id + "_names";
  names.textContent = images ? "未选择照片" : "未选择文件";
  input.classList.add("visually-hidden", "zw-file-input");
  input.after(label, names);
  input.addEventListener("change", function () {
    var list = Array.prototype.map.call(input.files, function (f) { return f.name; });
    names.textContent = list.length ? "已选择 " + list.length + " 个：" + list.join("、") : names.textContent;
  });
});
// 大字模式 switch (public header, staff menu): remembered per browser; large-text.js applies it before paint.
(function () {
  var root = document.documentElement;
  function sync() {
    var on = root.classList.contains("zw-large");
    document.querySelectorAll("[data-zw-large-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  document.addEventListener("click", function (evt) {
    if (!evt.target.closest("[data-zw-large-toggle]")) return;
    var on = root.classList.toggle("zw-large");
    try { localStorage.setItem("zw-large-text", on ? "1" : "0"); } catch (e) { /* storage off: this page only */ }
    sync();
    zwScrollRegions();
  });
  sync();
})();
// Errors are heard: the summary (includes/form_errors.html) takes focus after a failed submit, on load
// or when htmx swaps it in.
function zwFocusErrors(root) {
  var summary = root.querySelector("[data-zw-error-summary]");
  if (summary) { summary.focus(); }
  return summary;
}
if (zwFocusErrors(document) && document.title.indexOf("提交未成功") !== 0) {
  document.title = "提交未成功 · " + document.title;
}
// The skip link and the summary's entries move focus without touching the address: a "#main" left in
// the URL would be kept by the next form post and pull focus away from that page's error summary.
document.addEventListener("click", function (evt) {
  var link = evt.target.closest(".zw-skip, [data-zw-error-summary] a");
  if (!link) return;
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  evt.preventDefault();
  target.focus();
  target.scrollIntoView({ block: "center" });
});
document.addEventListener("htmx:afterSettle", function (evt) { zwFocusErrors(evt.target); });
// A table wider than the screen scrolls sideways: make it a named, focusable region so the keyboard
// can scroll it too.
function zwScrollRegions() {
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label")) {
        var heading = box.closest(".card") && box.closest(".card").querySelector(".card-title, h1, h2, h3");
        box.setAttribute("aria-label", (heading ? heading.textContent.trim() + "（" : "表格（") + "可左右滚动）");
      }
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
    }
  });
}
zwScrollRegions();
window.addEventListener("resize", zwScrollRegions);
document.addEventListener("htmx:afterSettle", zwScrollRegions);
// Charts: text from the data goes into ECharts tooltips as HTML, so every formatter escapes it here.
window.zwEscapeHtml = function (value) {
  return String(value).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
};
// 以表格查看: a chart's data table replaces the canvas (text alternative, keyboard drill-down links).
document.addEventListener("click", function (evt) {
  var button = evt.target.closest("[data-zw-chart-table]");
  if (!button) return;
  var table = document.getElementById(button.getAttribute("aria-controls"));
  var chart = document.getElementById(button.getAttribute("data-zw-chart-table"));
  var showTable = table.hidden;
  table.hidden = !showTable;
  chart.hidden = showTable;
  button.setAttribute("aria-expanded", showTable ? "true" : "false");
  button.textContent = showTable ? "以图表查看" : "以表格查看";
  if (!showTable) { window.dispatchEvent(new Event("resize")); }
});
