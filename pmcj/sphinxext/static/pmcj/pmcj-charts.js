/* Draw the book's altair charts with the vega files served by this site (no network).
 * Each chart is a <figure class="pmcj-chart"> holding its Vega-Lite spec as JSON. The vega
 * libraries (about 830 kB) are fetched from this script's own folder only when the first chart
 * comes near the screen, so a reader on a phone downloads them only if they reach a chart.
 * If a chart cannot be drawn, the reader is told so in the figure, and its table stays available. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/[^/]*$/, "");
  var LIBRARIES = (script.getAttribute("data-requires") || "").split(/\s+/).filter(Boolean);
  var OPTIONS = {
    mode: "vega-lite",
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    i18n: { SVG_ACTION: "Save as SVG", PNG_ACTION: "Save as PNG" }
  };
  var loading = null;

  function loadLibraries() {
    if (loading) { return loading; }
    loading = LIBRARIES.reduce(function (previous, name) {
      return previous.then(function () {
        return new Promise(function (resolve, reject) {
          var tag = document.createElement("script");
          tag.src = base + name;
          tag.onload = resolve;
          tag.onerror = function () { reject(new Error("could not load " + name)); };
          document.head.appendChild(tag);
        });
      });
    }, Promise.resolve());
    return loading;
  }

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
    loadLibraries().then(function () {
      if (typeof window.vegaEmbed !== "function") { throw new Error("the chart library did not load"); }
      return window.vegaEmbed(target, spec, OPTIONS);
    }).then(function () {
      label(target);
      figure.classList.add("pmcj-chart-ready");
    }).catch(function (error) {
      fail(figure, String(error && error.message || error));
    });
  }

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.pmcj-chart"));
    if (!figures.length) { return; }
    if (!("IntersectionObserver" in window)) { figures.forEach(draw); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
      });
    }, { rootMargin: "600px 0px" });
    figures.forEach(function (figure) { observer.observe(figure); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
