// A table wider than the screen scrolls sideways in its wrapper; such a wrapper takes the
// keyboard focus (so arrow keys scroll it) and is named after its table for screen readers.
(function () {
  "use strict";
  function label(wrap) {
    const table = wrap.querySelector("table");
    const caption = table && table.querySelector("caption");
    const section = wrap.closest("section, article, form");
    const heading = section && section.querySelector("h1, h2, h3");
    return (caption || heading || { textContent: document.title }).textContent.trim();
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  mark();
  let waiting = null;
  window.addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(mark, 150);
  });
})();
