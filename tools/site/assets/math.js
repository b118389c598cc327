// Typeset the pages' formulas with KaTeX (shipped with the site): $$...$$ and \[...\] as displays, $...$ and
// \(...\) inline, as the notebooks write them; code and outputs are left alone.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const areas = document.querySelectorAll(".jp-MarkdownOutput, .gm-prose");
  for (const area of areas) {
    renderMathInElement(area, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
      ],
      ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code"],
      throwOnError: false,
    });
  }
  document.body.dataset.mathDone = "1";
});
