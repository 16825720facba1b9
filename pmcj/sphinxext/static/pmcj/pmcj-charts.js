/* Draw the book's altair charts with the vega files served by this site (no network).
 * Each chart is a <figure class="pmcj-chart"> holding its Vega-Lite spec as JSON. The first few
 * charts are drawn at once, the rest when they scroll near the screen. If a chart cannot be drawn,
 * the reader is told so in the figure, and the table of its numbers stays available. */
(function () {
  "use strict";
  var EAGER = 3;
  var OPTIONS = {
    mode: "vega-lite",
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    i18n: { SVG_ACTION: "Save as SVG", PNG_ACTION: "Save as PNG" }
  };

  function fail(figure, reason) {
    var target = figure.querySelector(".pmcj-chart-target");
    target.style.minHeight = "0";
    var message = document.createElement("p");
    message.className = "pmcj-chart-error";
    message.textContent = "This chart could not be drawn (" + reason + "). " +
      "Its numbers are in the table below.";
    target.appendChild(message);
    var details = figure.querySelector("details");
    if (details) { details.open = true; }
  }

  function label(target) {
    /* vega-embed's action menu is an icon-only <summary>; give it a name screen readers can say. */
    target.querySelectorAll("details > summary").forEach(function (summary) {
      summary.setAttribute("aria-label", "Save this chart as an image");
    });
    /* Interactive marks such as a brush are drawn as unlabelled role=img nodes. */
    target.querySelectorAll("svg [role=img]:not([aria-label])").forEach(function (node) {
      node.setAttribute("aria-hidden", "true");
    });
  }

  function draw(figure) {
    if (figure.dataset.drawn) { return; }
    figure.dataset.drawn = "1";
    var target = figure.querySelector(".pmcj-chart-target");
    var spec;
    try {
      spec = JSON.parse(figure.querySelector("script.pmcj-chart-spec").textContent);
    } catch (error) {
      fail(figure, "its description could not be read");
      return;
    }
    if (typeof window.vegaEmbed !== "function") {
      fail(figure, "the chart library did not load");
      return;
    }
    window.vegaEmbed(target, spec, OPTIONS).then(function () {
      label(target);
      figure.classList.add("pmcj-chart-ready");
    }).catch(function (error) {
      fail(figure, String(error && error.message || error));
    });
  }

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.pmcj-chart"));
    var later = figures.slice(EAGER);
    figures.slice(0, EAGER).forEach(draw);
    if (!later.length) { return; }
    if (!("IntersectionObserver" in window)) { later.forEach(draw); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
      });
    }, { rootMargin: "400px 0px" });
    later.forEach(function (figure) { observer.observe(figure); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
