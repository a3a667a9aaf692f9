/* Sifa 智慧司法平台 · small page behaviours (no inline scripts: CSP allows script-src 'self' only).
 *
 * Loaded synchronously in <head> so the 大字版 (big type) class is on <html> before the first paint.
 * - [data-sifa-bigtype] buttons toggle the `sifa-bigtype` class on <html>; the choice is kept in
 *   localStorage under "sifa.bigtype" and the button's aria-pressed mirrors it.
 * - Buttons are rendered `hidden` and shown here, so without JavaScript nothing inert is on the page.
 */
(function () {
  "use strict";

  var KEY = "sifa.bigtype";
  var CLASS = "sifa-bigtype";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false; // storage disabled (private mode, policy): big type still works for this page
    }
  }

  function remember(on) {
    try {
      if (on) {
        window.localStorage.setItem(KEY, "1");
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      /* not remembered; nothing else to do */
    }
  }

  function apply(on) {
    root.classList.toggle(CLASS, on);
    var buttons = document.querySelectorAll("[data-sifa-bigtype]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  root.classList.toggle(CLASS, stored());
  root.classList.add("js");

  function init() {
    var buttons = document.querySelectorAll("[data-sifa-bigtype]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains(CLASS);
        apply(on);
        remember(on);
      });
    }
    apply(root.classList.contains(CLASS));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
