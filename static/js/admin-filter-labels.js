// Django's filter_horizontal widget puts the help for each filter box in an aria-label on a bare
// <span>, where ARIA ignores it (a span has no role to name), so the box reads as unnamed. As an
// image the icon is named, and names the box its <label> is for. The widget builds itself when
// the page has loaded, so each icon is named as it is added.
"use strict";
new MutationObserver(() => {
    for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
        icon.setAttribute("role", "img");
    }
}).observe(document.documentElement, {childList: true, subtree: true});
