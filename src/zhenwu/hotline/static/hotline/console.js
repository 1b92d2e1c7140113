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
    document.querySelectorAll(".hl-issue.active").forEach(function (el) {
      el.classList.remove("active");
      el.removeAttribute("aria-current");
    });
    item.classList.add("active");
    item.setAttribute("aria-current", "true");
  });
  // An item opened from the queue: the keyboard continues in the panel, at the question's heading.
  document.addEventListener("htmx:afterSettle", function (evt) {
    if (evt.target.id === "hl-list") {
      var chosen = document.getElementById("hl-panel-title") && document.querySelector("#hl-panel [data-issue-pk]");
      var again = chosen && document.getElementById("hl-issue-" + chosen.getAttribute("data-issue-pk"));
      if (again) { again.classList.add("active"); again.setAttribute("aria-current", "true"); }
      return;
    }
    var from = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (evt.target.id === "hl-panel" && from && from.classList && from.classList.contains("hl-issue")) {
      var title = document.getElementById("hl-panel-title");
      if (title) { title.focus(); }
    }
  });
  // The queue refreshes every 3 s unless paused (WCAG 2.2.2). htmx keeps focus on an item across the
  // swap because each item has a stable id.
  var list = document.getElementById("hl-list");
  var pause = document.getElementById("hl-pause");
  var state = document.getElementById("hl-refresh-state");
  var paused = false;
  if (list && pause) {
    pause.addEventListener("click", function () {
      paused = !paused;
      pause.setAttribute("aria-pressed", paused ? "true" : "false");
      pause.textContent = paused ? "恢复刷新" : "暂停刷新";
      state.textContent = paused ? "已暂停自动刷新" : "每 3 秒自动刷新";
      if (!paused) { window.htmx.trigger(list, "zw-poll"); }
    });
    window.setInterval(function () {
      if (!paused && !document.hidden) { window.htmx.trigger(list, "zw-poll"); }
    }, 3000);
  }
})();
