/* Repairs to vega's output that the book's HTML cannot make at build time, because vega draws
 * (and redraws) charts in the browser:
 * - vega-embed fills a "Save as SVG/PNG" link's address only on mousedown, so a keyboard user
 *   pressing Enter saved the page itself under the image's name; its menu ignored Escape.
 * - when a filter leaves a mark with nothing to draw (a reader choosing an empty category),
 *   vega leaves an empty, unlabelled role="graphics-symbol" group, which screen readers announce
 *   as an unnamed image (axe svg-img-alt, serious); such nodes are hidden whenever vega redraws.
 * And to the themes' side-bar dialogs (pmcj/sphinxext/navigation.py, pydata-sphinx-theme#2451):
 * - each dialog's Close button (added at build time) closes it;
 * - sphinx-book-theme blurs the menu buttons on every click, so focus fell to the page's body: it
 *   now returns to the button that opened a dialog when the dialog closes, and stays on the ☰
 *   when a keyboard user hides or shows the side bar in place on a wide screen.
 * And to wide tables (issue 11): a table or table output wider than its column scrolls inside a
 * region named after its caption or section, reachable with Tab, with a line of text above it
 * saying that it scrolls (pmcj.css adds shadows at the edges that have more to show). Whether a
 * table is too wide depends on the screen, so this is checked on load, on resize and when a
 * folded table is opened.
 * And to printing (issue 18): folded parts (the numbers behind each chart, code under "Show the
 * code") are opened before the page prints, so they print open (pmcj.css hides their "Show ..."
 * lines on paper); names in tables such as participant_id may break after "_" (and lists after
 * ";" or ","), and a table still wider than the page is squeezed (pmcj.css). All is undone after
 * printing. make pdf (pmcj/pdf.py) prints through these too.
 * Loaded (deferred) on every page. */
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

  var NAV_TOGGLES = ".primary-toggle, .secondary-toggle";
  var opener = null;

  /* Capture phase on the document: runs before the themes' own handlers on the button. */
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    var close = target.closest(".pmcj-dialog-close");
    if (close) {
      var dialog = close.closest("dialog");
      if (dialog && dialog.open) { dialog.close(); }
      return;
    }
    var toggle = target.closest(NAV_TOGGLES);
    if (!toggle) { return; }
    opener = toggle;
    if (event.detail === 0) { /* Enter or Space, not a pointer */
      window.setTimeout(function () {
        if (!document.querySelector("dialog[open]") && document.activeElement === document.body) {
          toggle.focus();
        }
      }, 0);
    }
  }, true);

  function watchDialogs() {
    ["pst-primary-sidebar-modal", "pst-secondary-sidebar-modal"].forEach(function (id) {
      var dialog = document.getElementById(id);
      if (!dialog) { return; }
      dialog.addEventListener("close", function () {
        var back = opener;
        opener = null;
        /* After the theme's own close handlers, which focus the body. */
        if (back) { window.setTimeout(function () { back.focus(); }, 0); }
      });
    });
  }

  /* On a wide screen the ☰ hides and shows the side bar in place: say which, as a disclosure
     button does. Below 992 px it opens a dialog, so it is "collapsed" until pressed. */
  var WIDE = window.matchMedia ? window.matchMedia("(min-width: 992px)") : null;

  function markExpanded() {
    var sidebar = document.getElementById("pst-primary-sidebar");
    document.querySelectorAll(".primary-toggle").forEach(function (toggle) {
      var shown = !!(WIDE && WIDE.matches && sidebar && !sidebar.classList.contains("pst-sidebar-hidden"));
      toggle.setAttribute("aria-expanded", shown ? "true" : "false");
    });
  }

  function watchToggle() {
    var sidebar = document.getElementById("pst-primary-sidebar");
    if (!sidebar || !("MutationObserver" in window)) { return; }
    markExpanded();
    new MutationObserver(markExpanded).observe(sidebar, { attributes: true, attributeFilter: ["class"] });
    if (WIDE && WIDE.addEventListener) { WIDE.addEventListener("change", markExpanded); }
  }

  var SCROLLERS = ".pst-scrollable-table-container, .pmcj-chart-table, .cell_output > .output.text_html";
  var HINT = "Wide table: scroll sideways to see all of it \u2192";

  function regionName(element) {
    var caption = element.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    if (!text) {
      var section = element.closest("section");
      var heading = section && section.querySelector("h1, h2, h3, h4, h5, h6");
      if (heading) {
        heading = heading.cloneNode(true);
        heading.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });
      }
      text = heading ? "Table in \u201c" + heading.textContent.trim() + "\u201d" : "Table";
    }
    return text + " (scrolls sideways)";
  }

  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (element) {
      if (!element.clientWidth) { return; } /* folded away: checked again when opened */
      var wide = element.scrollWidth > element.clientWidth + 1;
      var before = element.previousElementSibling;
      var hint = before && before.classList.contains("pmcj-scroll-hint") ? before : null;
      element.classList.toggle("pmcj-scrolls", wide);
      if (wide) {
        element.setAttribute("role", "region");
        element.setAttribute("aria-label", regionName(element));
        element.tabIndex = 0;
        if (!hint) {
          hint = document.createElement("p");
          hint.className = "pmcj-scroll-hint";
          hint.setAttribute("aria-hidden", "true"); /* the region's name says it */
          hint.textContent = HINT;
          element.parentNode.insertBefore(hint, element);
        }
      } else if (element.getAttribute("role") === "region") {
        element.removeAttribute("role");
        element.removeAttribute("aria-label");
        if (hint) { hint.remove(); }
      }
    });
  }

  function watchScrollers() {
    markScrollers();
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(markScrollers, 200);
    });
    /* "toggle" does not bubble: listen in the capture phase for every <details> on the page. */
    document.addEventListener("toggle", function (event) {
      if (event.target.open) { markScrollers(); }
    }, true);
  }

  var openedForPrint = [];
  var brokenForPrint = [];
  var BREAK_AFTER = /([_;,\/])(?=\S)/;

  function markBreaks(table) {
    var walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      if (BREAK_AFTER.test(walker.currentNode.nodeValue)) { nodes.push(walker.currentNode); }
    }
    nodes.forEach(function (node) {
      var marked = document.createElement("span");
      node.nodeValue.split(new RegExp(BREAK_AFTER.source, "g")).forEach(function (piece, index) {
        marked.appendChild(document.createTextNode(piece));
        if (index % 2 === 1) { marked.appendChild(document.createElement("wbr")); }
      });
      node.parentNode.replaceChild(marked, node);
      brokenForPrint.push([marked, node]);
    });
  }

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("article details:not([open])").forEach(function (details) {
      if (details.closest(".vega-embed")) { return; } /* the chart's "Save as" menu stays shut */
      details.open = true;
      openedForPrint.push(details);
    });
    /* Chromium may fire beforeprint again as it prints: mark and measure each table once. */
    document.querySelectorAll("article table:not([data-pmcj-print])").forEach(function (table) {
      table.setAttribute("data-pmcj-print", "");
      markBreaks(table);
      /* Still too wide: a smaller type, then a smaller one with headings broken anywhere, and
         only if that is not enough, breaks inside any word (pmcj.css). */
      ["pmcj-print-small", "pmcj-print-smaller", "pmcj-print-squeeze"].forEach(function (step) {
        if (table.getBoundingClientRect().width > table.parentElement.clientWidth + 1) {
          table.classList.add(step);
        }
      });
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = [];
    brokenForPrint.forEach(function (pair) { pair[0].parentNode.replaceChild(pair[1], pair[0]); });
    brokenForPrint = [];
    document.querySelectorAll("table[data-pmcj-print]").forEach(function (table) {
      table.removeAttribute("data-pmcj-print");
      table.classList.remove("pmcj-print-small", "pmcj-print-smaller", "pmcj-print-squeeze");
    });
  });

  function start() {
    watchScrollers();
    watchCharts();
    watchDialogs();
    watchToggle();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
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
