// 大字模式: applied from the <head> before the first paint so the page never flashes small (no inline
// scripts under the CSP). The switch itself is wired in zhenwu.js.
try { if (localStorage.getItem("zw-large-text") === "1") { document.documentElement.classList.add("zw-large"); } } catch (e) { /* storage off */ }
