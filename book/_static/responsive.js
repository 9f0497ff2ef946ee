/* Phones and tablets: wide tables scroll in a box with a visible cue; charts drawn to the width they get.
   Loaded after vega-bundle.js and before the pages' chart scripts run (they wait for DOMContentLoaded). */
(function () {
  "use strict";
  var CUE = "Svep i sidled för att se hela tabellen";

  // Charts: a single view wider than its container is drawn at the container's width (text keeps its size)
  // instead of being shrunk; a legend moves under the chart on narrow screens. Concatenated views are
  // scaled down by CSS as before.
  if (window.vegaEmbed && !window.vegaEmbed.__responsive) {
    var embed = window.vegaEmbed;
    var wrapped = function (el, spec, opt) {
      try {
        var avail = (el && el.clientWidth) || 0;
        var single = spec && typeof spec.width === "number" && !spec.hconcat && !spec.vconcat && !spec.concat && !spec.facet && !spec.repeat;
        if (avail > 0 && single && spec.width + 120 > avail) {
          spec = Object.assign({}, spec, { width: Math.max(160, avail - 10), autosize: { type: "fit", contains: "padding" } });
          if (avail < 560) {
            var config = Object.assign({}, spec.config || {});
            config.legend = Object.assign({}, config.legend || {}, { orient: "bottom", direction: "vertical" });
            spec.config = config;
          }
        }
      } catch (e) { /* draw the spec as it came */ }
      return embed(el, spec, opt);
    };
    wrapped.__responsive = true;
    window.vegaEmbed = wrapped;
  }

  function markScroll(box) {
    var over = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("is-scrollable", over);
    box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 2);
  }

  function wrapTables() {
    var tables = document.querySelectorAll(".bd-article table");
    tables.forEach(function (table) {
      if (table.closest(".table-scroll") || table.closest(".vega-chart")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      var cue = document.createElement("p");
      cue.className = "scroll-cue";
      cue.textContent = CUE;
      box.parentNode.insertBefore(cue, box.nextSibling);
      box.addEventListener("scroll", function () { markScroll(box); }, { passive: true });
      markScroll(box);
    });
  }

  function refresh() { document.querySelectorAll(".table-scroll").forEach(markScroll); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wrapTables); } else { wrapTables(); }
  window.addEventListener("resize", refresh);
  window.addEventListener("load", refresh);
})();
