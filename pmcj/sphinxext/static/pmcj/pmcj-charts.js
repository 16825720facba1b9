/* Draw the book's altair charts with the vega files served by this site (no network).
 * Each chart is a <figure class="pmcj-chart"> holding its Vega-Lite spec as JSON. The vega
 * libraries (about 830 kB) are fetched from this script's own folder only when the first chart
 * comes near the screen, so a reader on a phone downloads them only if they reach a chart.
 * If a chart cannot be drawn, the reader is told so in the figure, and its table stays available.
 *
 * Every chart is fitted to its column, so nothing is cut off on a phone and no title runs under
 * vega-embed's menu button (which sits in a 38 px strip at the right of the chart):
 * - the title and subtitle are broken into lines that fit the column;
 * - below 600 px (a phone), legends move under the chart, and a category axis whose labels
 *   would collide is drawn with slanted labels;
 * - after drawing, if the chart is still wider than its column, its plotting area is narrowed
 *   (vega's width signal) until it fits;
 * - when the window's width changes (a phone turned on its side), charts are drawn again. */
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
  var ACTIONS_SPACE = 38; /* vega-embed's padding-right for its menu button */
  var NARROW = 600;
  var MIN_PLOT_WIDTH = 120;
  var loading = null;
  var canvas = null;

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

  function textWidth(text, font) {
    canvas = canvas || document.createElement("canvas");
    var context = canvas.getContext("2d");
    context.font = font;
    return context.measureText(String(text)).width;
  }

  /* Greedy line breaking at spaces; a single word longer than the line keeps its own line. */
  function wrap(text, font, width) {
    var lines = [];
    var line = "";
    String(text).split(/\s+/).filter(Boolean).forEach(function (word) {
      var candidate = line ? line + " " + word : word;
      if (line && textWidth(candidate, font) > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    });
    if (line) { lines.push(line); }
    return lines.length ? lines : [""];
  }

  function joined(value) {
    return Array.isArray(value) ? value.join(" ") : String(value);
  }

  function fitTitle(spec, width) {
    if (!spec.title) { return; }
    var config = spec.config || {};
    var style = config.title || {};
    var family = style.font || config.font || "sans-serif";
    var title = typeof spec.title === "object" && !Array.isArray(spec.title) ?
      Object.assign({}, spec.title) : { text: spec.title };
    var size = title.fontSize || style.fontSize || 13;
    title.text = wrap(joined(title.text), "bold " + size + "px " + family, width);
    if (title.subtitle) {
      var subtitleSize = title.subtitleFontSize || style.subtitleFontSize || 12;
      title.subtitle = wrap(joined(title.subtitle), subtitleSize + "px " + family, width);
    }
    spec.title = title;
  }

  function units(spec) {
    var found = [spec];
    (spec.layer || []).forEach(function (layer) { found = found.concat(units(layer)); });
    return found;
  }

  function categories(spec, field) {
    var seen = {};
    Object.keys(spec.datasets || {}).forEach(function (name) {
      (spec.datasets[name] || []).forEach(function (row) {
        if (row && Object.prototype.hasOwnProperty.call(row, field)) { seen[String(row[field])] = true; }
      });
    });
    var values = spec.data && spec.data.values;
    (Array.isArray(values) ? values : []).forEach(function (row) {
      if (row && Object.prototype.hasOwnProperty.call(row, field)) { seen[String(row[field])] = true; }
    });
    return Object.keys(seen);
  }

  /* Labels longer than `width` become lines (vega draws a label that is an array as lines). */
  function wrappedLabels(labels, font, width) {
    var map = {};
    labels.forEach(function (label) {
      if (textWidth(label, font) > width) { map[label] = wrap(label, font, width); }
    });
    return Object.keys(map).length ? map : null;
  }

  /* A phone layout: legends below the chart, the menu button above it, slanted labels where
     categories would collide, and long category labels and axis titles on two lines. */
  function narrowLayout(spec, width) {
    var config = spec.config = Object.assign({}, spec.config);
    config.legend = Object.assign({}, config.legend, { orient: "bottom" });
    var axis = config.axis || {};
    var family = config.font || "sans-serif";
    var labelFont = (axis.labelFontSize || 10) + "px " + family;
    var titleFont = "bold " + (axis.titleFontSize || 11) + "px " + family;
    units(spec).forEach(function (unit) {
      ["x", "y"].forEach(function (channel) {
        var encoding = unit.encoding && unit.encoding[channel];
        if (!encoding || !encoding.field) { return; }
        if (typeof encoding.title === "string" && textWidth(encoding.title, titleFont) > width * 0.6) {
          encoding.title = wrap(encoding.title, titleFont, width * 0.6);
        }
        if (encoding.type !== "nominal" && encoding.type !== "ordinal") { return; }
        var labels = categories(spec, encoding.field);
        if (!labels.length || (encoding.axis === null)) { return; }
        var changes = {};
        if (channel === "x") {
          var longest = Math.max.apply(null, labels.map(function (l) { return textWidth(l, labelFont); }));
          if (longest > (width * 0.55) / labels.length) {
            changes = { labelAngle: -40, labelAlign: "right" };
          }
        } else {
          var lines = wrappedLabels(labels, labelFont, width * 0.36);
          if (lines) {
            changes = { labelExpr: "(" + JSON.stringify(lines) + ")[datum.label] || datum.label" };
            /* Give each category room for its lines, so wrapped labels do not overlap. */
            var most = Math.max.apply(null, Object.keys(lines).map(function (k) { return lines[k].length; }));
            var needed = labels.length * (most * ((axis.labelFontSize || 10) + 2) + 6);
            if (typeof spec.height === "number" && spec.height < needed) { spec.height = needed; }
          }
        }
        encoding.axis = Object.assign({}, encoding.axis, changes);
      });
    });
  }

  function available(target) {
    var style = window.getComputedStyle(target);
    return target.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  function drawnWidth(target) {
    var svg = target.querySelector("svg.marks, canvas.marks");
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  /* Narrow the plotting area until the whole chart fits its column (single and layered views). */
  function shrink(view, target, tries) {
    var over = drawnWidth(target) - available(target);
    if (over < 1 || tries > 5) { return Promise.resolve(); }
    var width;
    try { width = view.width(); } catch (error) { return Promise.resolve(); }
    if (typeof width !== "number" || width <= MIN_PLOT_WIDTH) { return Promise.resolve(); }
    view.width(Math.max(MIN_PLOT_WIDTH, Math.floor(width - over - 1)));
    return view.runAsync().then(function () { return shrink(view, target, tries + 1); });
  }

  function fitted(original, target, figure) {
    var spec = JSON.parse(JSON.stringify(original));
    var narrow = target.clientWidth - ACTIONS_SPACE < NARROW;
    /* On a phone the menu button sits above the chart (pmcj.css), so the chart has the width. */
    figure.classList.toggle("pmcj-chart-narrow", narrow);
    var room = narrow ? target.clientWidth : target.clientWidth - ACTIONS_SPACE;
    if (narrow) { narrowLayout(spec, room); }
    fitTitle(spec, room - 14); /* vega pads the view by 5 px on each side */
    return spec;
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
      if (figure.pmcjChart) { figure.pmcjChart.finalize(); }
      figure.dataset.drawnAt = String(target.clientWidth);
      return window.vegaEmbed(target, fitted(spec, target, figure), OPTIONS);
    }).then(function (result) {
      figure.pmcjChart = result;
      return shrink(result.view, target, 0);
    }).then(function () {
      label(target);
      figure.classList.add("pmcj-chart-ready");
    }).catch(function (error) {
      fail(figure, String(error && error.message || error));
    });
  }

  /* Draw again, fitted to the new width, the charts whose column changed width. */
  function redrawResized() {
    document.querySelectorAll("figure.pmcj-chart[data-drawn]").forEach(function (figure) {
      var target = figure.querySelector(".pmcj-chart-target");
      if (!figure.pmcjChart || Math.abs(target.clientWidth - Number(figure.dataset.drawnAt)) < 8) {
        return;
      }
      delete figure.dataset.drawn;
      figure.classList.remove("pmcj-chart-ready");
      draw(figure);
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
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(redrawResized, 250);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
