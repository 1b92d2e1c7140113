// zhenwu: small progressive enhancements; no inline scripts (CSP script-src 'self').
document.addEventListener("htmx:configRequest", function (evt) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { evt.detail.headers["X-CSRFToken"] = token.value; }
});
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { evt.preventDefault(); }
});
