/* Repairs to vega's output that the book's HTML cannot make at build time, because vega draws
 * (and redraws) charts in the browser:
 * - vega-embed fills a "Save as SVG/PNG" link's address only on mousedown, so a keyboard user
 *   pressing Enter saved the page itself under the image's name; its menu ignored Escape.
 * - when a filter leaves a mark with nothing to draw (a reader choosing an empty category),
 *   vega leaves an empty, unlabelled role="graphics-symbol" group, which screen readers announce
 *   as an unnamed image (axe svg-img-alt, serious); such nodes are hidden whenever vega redraws.
 * Loaded (deferred) on every page; it does nothing where there are no charts. */
(function () {
  "use strict";
  var WAIT_MS = 5000;

  function save(link) {
    if (link.dataset.pmcjSaving) { return; }
    link.dataset.pmcjSaving = "1";
    link.setAttribute("href", "#");
    link.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
    var started = Date.now();
    (function waitForImage() {
      var href = link.getAttribute("href");
      if (href && href !== "#") {
        delete link.dataset.pmcjSaving;
        link.click();
      } else if (Date.now() - started < WAIT_MS) {
        window.setTimeout(waitForImage, 50);
      } else {
        delete link.dataset.pmcjSaving;
      }
    }());
  }

  var UNNAMED = "svg [role=graphics-symbol]:not([aria-label]):not([aria-hidden]), " +
    "svg [role=img]:not([aria-label]):not([aria-hidden])";

  function hideUnnamed(root) {
    root.querySelectorAll(UNNAMED).forEach(function (node) {
      if (!node.textContent.trim() && !node.querySelector("[aria-label]")) {
        node.setAttribute("aria-hidden", "true");
      }
    });
  }

  function watchCharts() {
    if (!("MutationObserver" in window)) { return; }
    document.querySelectorAll(".pmcj-chart-target").forEach(function (target) {
      /* Only childList is observed, so setting aria-hidden does not call this again. */
      new MutationObserver(function () { hideUnnamed(target); }).observe(target, { childList: true, subtree: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchCharts);
  } else {
    watchCharts();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    if (event.key === "Enter") {
      var link = target.closest(".pmcj-chart .vega-actions a[download]");
      if (link) {
        event.preventDefault();
        save(link);
      }
    } else if (event.key === "Escape") {
      var menu = target.closest(".pmcj-chart .vega-embed details[open]");
      if (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      }
    }
  });
}());
