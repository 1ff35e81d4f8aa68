// Site behaviour on top of htmx; the pages work without it.
(function () {
  "use strict";
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
