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
