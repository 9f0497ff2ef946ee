/* Phones and tablets: wide tables scroll in a box with a visible cue; charts are redrawn to the width they get.
   Loaded after vega-bundle.js and before the pages' chart scripts run (they wait for DOMContentLoaded). */
(function () {
  "use strict";
  var TABLE_CUE = "Svep i sidled för att se hela tabellen";
  var CHART_CUE = "Svep i sidled för att se hela diagrammet";
  var WIDE = 600;  // px: containers at least this wide keep the chart's own layout

  function addCue(box, text) {
    var before = box.previousElementSibling;
    if (before && before.classList.contains("scroll-cue")) { return; }
    var cue = document.createElement("p");
    cue.className = "scroll-cue";
    cue.textContent = text;
    box.parentNode.insertBefore(cue, box);
  }

  // Every view that has a fixed width: unit and layered views, the children of concatenations, a facet's inner view.
  function views(spec, fn) {
    if (!spec || typeof spec !== "object") { return; }
    if (typeof spec.width === "number") { fn(spec); }
    ["hconcat", "vconcat", "concat"].forEach(function (key) { (spec[key] || []).forEach(function (c) { views(c, fn); }); });
    if (spec.spec) { views(spec.spec, fn); }
  }

  function isMap(view) {
    var marks = [view.mark].concat((view.layer || []).map(function (l) { return l.mark; }));
    return marks.some(function (m) { return m === "geoshape" || (m && m.type === "geoshape"); });
  }

  // A chart wider than its container is laid out for a narrow screen: side-by-side views stacked, one
  // column of small multiples, legends underneath, plot widths reduced by the excess. The text keeps
  // its size. What still does not fit (many facet columns) scrolls sideways in its box, with a cue.
  // A title longer than the screen is broken into lines (Vega draws an array of strings as lines).
  function wrapTitle(owner, avail) {
    var title = owner.title;
    var text = typeof title === "string" || Array.isArray(title) ? title : title && title.text;
    var given = typeof text === "string" ? [text] : Array.isArray(text) ? text : null;
    var perLine = Math.max(20, Math.floor(avail / 8.5));
    if (!given || given.every(function (l) { return typeof l !== "string" || l.length <= perLine; })) { return false; }
    var lines = [];
    given.forEach(function (part) {
      var line = "";
      String(part).split(" ").forEach(function (word) {
        if (line && (line + " " + word).length > perLine) { lines.push(line); line = word; } else { line = line ? line + " " + word : word; }
      });
      lines.push(line);
    });
    if (title && typeof title === "object" && !Array.isArray(title)) { title.text = lines; } else { owner.title = { text: lines }; }
    return true;
  }

  function narrow(spec, excess, avail) {
    var changed = false;
    if (spec.hconcat) { spec.vconcat = spec.hconcat; delete spec.hconcat; changed = true; }
    if (typeof spec.columns === "number" && spec.columns > 1 && (spec.concat || spec.facet)) { spec.columns = 1; changed = true; }
    var config = spec.config || {};
    if (!config.legend || config.legend.orient !== "bottom") {
      config.legend = Object.assign({}, config.legend || {}, { orient: "bottom", columns: 3, layout: { bottom: { anchor: "start", direction: "vertical" } } });
      changed = true;
    }
    spec.config = config;
    changed = wrapTitle(spec, avail) || changed;
    views(spec, function (view) {
      changed = wrapTitle(view, avail) || changed;
      // Maps have no axes: as wide as the screen allows. Other views give up the excess.
      var width = isMap(view) ? Math.min(view.width, avail - 16) : Math.max(140, Math.round(view.width - excess));
      if (width < view.width) {
        if (isMap(view) && typeof view.height === "number") { view.height = Math.round(view.height * width / view.width); }
        view.width = width;
        changed = true;
      }
    });
    return changed;
  }

  function fit(embed, el, spec, opt, result, tries) {
    var svg = el.querySelector("svg");
    var excess = svg ? svg.width.baseVal.value - el.clientWidth : 0;
    // On a wide screen (and on paper) a slightly wide chart is scaled down by the stylesheet as before.
    if (excess <= 1 || el.clientWidth >= WIDE) { return result; }
    if (tries > 0 && narrow(spec, excess, el.clientWidth)) {
      if (result && result.finalize) { result.finalize(); }
      return embed(el, spec, opt).then(function (r) { return fit(embed, el, spec, opt, r, tries - 1); });
    }
    el.classList.add("chart-scroll");
    addCue(el, CHART_CUE);
    return result;
  }

  if (window.vegaEmbed && !window.vegaEmbed.__responsive) {
    var embed = window.vegaEmbed;
    var wrapped = function (el, spec, opt) {
      return embed(el, spec, opt).then(function (result) {
        try { return fit(embed, el, spec, opt, result, 3); } catch (e) { return result; }
      });
    };
    wrapped.__responsive = true;
    window.vegaEmbed = wrapped;
  }

  function markScroll(box) {
    box.classList.toggle("is-scrollable", box.scrollWidth > box.clientWidth + 1);
    box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 2);
  }

  function wrapTables() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      if (table.closest(".table-scroll") || table.closest(".vega-chart")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      addCue(box, TABLE_CUE);
      box.addEventListener("scroll", function () { markScroll(box); }, { passive: true });
      markScroll(box);
    });
  }

  // myst-nb and sphinx-togglebutton write this label in English (read aloud by screen readers).
  function swedishLabels() {
    document.querySelectorAll('[aria-label="Toggle hidden content"]').forEach(function (el) {
      el.setAttribute("aria-label", "Visa eller dölj innehållet");
    });
  }

  function refresh() { document.querySelectorAll(".table-scroll").forEach(markScroll); swedishLabels(); }

  function ready() { wrapTables(); swedishLabels(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  window.addEventListener("resize", refresh);
  window.addEventListener("load", refresh);
})();
