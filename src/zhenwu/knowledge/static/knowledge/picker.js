// 知识库 picker: "插入答复" copies a standard answer into the reply textarea named by
// data-knowledge-target and records the hit. Loaded as a static file (CSP script-src 'self').
(function () {
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest("[data-knowledge-insert]");
    if (!button) { return; }
    evt.preventDefault();
    var target = document.getElementById(button.getAttribute("data-knowledge-target"));
    var source = document.getElementById(button.getAttribute("data-knowledge-source"));
    if (!target || !source) { return; }
    var answer = source.textContent.trim();
    target.value = target.value.trim() ? target.value.replace(/\s+$/, "") + "\n" + answer : answer;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    button.textContent = "已插入";
    button.classList.remove("btn-outline-primary");
    button.classList.add("btn-success");
    var url = button.getAttribute("data-knowledge-hit-url");
    if (url && window.fetch) {
      window.fetch(url, { method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" });
    }
  });
})();
