// The night theme: loaded in <head> without defer, so the choice kept on this device is
// on <html> before the first paint (no flash of a white page on a dark set). Without a
// kept choice the device's preference (prefers-color-scheme) decides, in style.css.
(function () {
  var KEY = "coldcheck-theme";
  var root = document.documentElement;
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function kept() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function apply(theme) {
    if (theme === "night" || theme === "day") { root.setAttribute("data-theme", theme); }
    else { root.removeAttribute("data-theme"); }
  }
  function night() {
    var theme = root.getAttribute("data-theme");
    return theme ? theme === "night" : dark.matches;
  }
  function show() {
    var on = night() ? "true" : "false";
    document.querySelectorAll("[data-theme-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on);
      b.hidden = false;
    });
  }
  apply(kept());
  dark.addEventListener("change", show);
  document.addEventListener("DOMContentLoaded", function () {
    show();
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-theme-toggle]");
      if (!button) { return; }
      var theme = night() ? "day" : "night";
      try { localStorage.setItem(KEY, theme); } catch (e) { /* private mode: this page only */ }
      apply(theme);
      show();
    });
  });
})();
