// Site behaviour on top of htmx; the pages work without it.
(function () {
  "use strict";
  // The search filters are folded behind a button (a <details>), which suits a phone. On a wide
  // screen there is room beside the results: open them, also after htmx swaps them in again.
  var wide = window.matchMedia ? window.matchMedia("(min-width: 48rem)") : null;
  // A reader who opened them on a phone and ticks a filter keeps them open across the swap.
  var wasOpen = false;
  function unfoldFilters() {
    var open = wasOpen || (wide && wide.matches);
    if (!open) {
      return;
    }
    document.querySelectorAll("details.filters-fold").forEach(function (fold) {
      fold.open = true;
    });
  }
  document.addEventListener("DOMContentLoaded", unfoldFilters);
  document.addEventListener("htmx:beforeSwap", function () {
    var fold = document.querySelector("details.filters-fold");
    wasOpen = Boolean(fold && fold.open);
  });
  document.addEventListener("htmx:afterSwap", unfoldFilters);
  var htmx = window.htmx;
  if (!htmx) {
    return;
  }
  // The Content-Security-Policy allows no inline style or eval: keep htmx from needing either.
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;
  // Swapped-in content (a history restore brings the whole body) must not run its <script>
  // tags again: a second htmx would start without these settings.
  htmx.config.allowScriptTags = false;
  // Requests that change data need the CSRF token; the page carries it in a <meta> tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });
})();
