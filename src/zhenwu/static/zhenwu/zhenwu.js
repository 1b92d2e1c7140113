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
  input.classList.add("visually-hidden");
  input.after(label, names);
  input.addEventListener("change", function () {
    var list = Array.prototype.map.call(input.files, function (f) { return f.name; });
    names.textContent = list.length ? "已选择 " + list.length + " 个：" + list.join("、") : names.textContent;
  });
});
