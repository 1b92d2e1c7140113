// Live console: keeps every half-typed form in localStorage so a reload or a network drop loses nothing.
(function () {
  "use strict";
  function token() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit";
    });
  }
  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try { localStorage.setItem(form.dataset.draftKey, JSON.stringify(data)); } catch (e) { /* storage full */ }
  }
  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(form.dataset.draftKey); } catch (e) { raw = null; }
    var data = raw ? JSON.parse(raw) : {};
    var restored = false;
    fields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "checkbox") { el.checked = !!data[el.name]; }
      else if (data[el.name] !== "" && el.value !== data[el.name]) {
        el.value = data[el.name];
        // Only typed content counts as a restored draft: not the hidden client token, not a picker.
        if (el.type !== "hidden" && el.tagName !== "SELECT") { restored = true; }
      }
    });
    var tok = form.querySelector("input[name$=client_token]");
    if (tok && !tok.value) { tok.value = token(); save(form); }
    var note = form.querySelector("[data-draft-note]");
    if (note && restored) { note.hidden = false; }
  }
  function setup(root) {
    (root || document).querySelectorAll("form[data-draft-key]").forEach(function (form) {
      if (form.dataset.draftReady) { return; }
      form.dataset.draftReady = "1";
      if (form.dataset.saved === "1") {
        try { localStorage.removeItem(form.dataset.draftKey); } catch (e) { /* ignore */ }
      }
      restore(form);
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
    });
    (root || document).querySelectorAll("[data-clear-draft]").forEach(function (el) {
      try { localStorage.removeItem(el.dataset.clearDraft); } catch (e) { /* ignore */ }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { setup(evt.target); });
  function net(show) {
    var el = document.getElementById("hl-net");
    if (el) { el.classList.toggle("show", show); }
  }
  document.addEventListener("htmx:sendError", function () { net(true); });
  document.addEventListener("htmx:responseError", function () { net(true); });
  document.addEventListener("htmx:afterRequest", function (evt) { if (evt.detail.successful) { net(false); } });
  document.addEventListener("click", function (evt) {
    var item = evt.target.closest(".hl-issue");
    if (!item) { return; }
    document.querySelectorAll(".hl-issue.active").forEach(function (el) { el.classList.remove("active"); });
    item.classList.add("active");
  });
})();
