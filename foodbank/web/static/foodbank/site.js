// A table wider than the screen scrolls sideways in its wrapper; such a wrapper takes the
// keyboard focus (so arrow keys scroll it) and is named after its table for screen readers.
(function () {
  "use strict";
  // The table's caption, else the heading just before the wrapper (a report holds several
  // tables under one article, each with its own heading), else its section's first heading.
  function heading(wrap) {
    for (let node = wrap.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-3]$/.test(node.tagName)) return node;
    }
    const section = wrap.closest("section, article, form");
    return section && section.querySelector("h1, h2, h3");
  }
  // "Top donors (table)": a section named by the same heading is a landmark too, and two
  // landmarks may not share a name.
  function label(wrap) {
    const table = wrap.querySelector("table");
    const caption = table && table.querySelector("caption");
    const named = caption || heading(wrap) || { textContent: document.title };
    const word = document.body.dataset.tableWord || "table";
    return named.textContent.trim() + " (" + word + ")";
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
