"""A change as readers will see it, before it is published.

The preview is the public page itself: the snapshot a reviewer signs (or, from the change form,
what the page's working rows would publish now) made into a page by the code that publishes,
and rendered by the public views and templates. The passages that differ from what readers see
now are marked, and a banner says it is not published. Only the editorial team reaches it (the
admin's login), and it is never cached or indexed.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from reviews.models import PageReview
from therapies.models import PAGE_MODELS, PublishedPage
from therapies.publishing import PageSnapshot, preview
from therapies.views import render_page

# The elements that hold a passage of text; lists and sections around them do not.
PASSAGES = {
    "p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "th", "td", "blockquote", "figcaption",
}  # fmt: skip
MARK = ' data-changed=""'
SAID = '<span class="visually-hidden">Changed: </span>'
HEADER = '<header class="site-header">'


@dataclass
class Passage:
    tag: str
    start: int  # where its start tag begins in the document
    end_of_tag: int  # where its start tag ends
    text: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.tag, " ".join(self.text.split())


class _Passages(HTMLParser):
    """Each passage of a page with its own text (not that of passages inside it)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for number, character in enumerate(html):
            if character == "\n":
                self.line_starts.append(number + 1)
        self.passages: list[Passage] = []
        self.open: list[Passage] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in PASSAGES:
            line, column = self.getpos()
            start = self.line_starts[line - 1] + column
            passage = Passage(tag, start, start + len(self.get_starttag_text()))
            self.passages.append(passage)
            self.open.append(passage)

    def handle_endtag(self, tag):
        if tag in PASSAGES and self.open and self.open[-1].tag == tag:
            self.open.pop()

    def handle_data(self, data):
        if self.open:
            self.open[-1].text += data


def mark_changes(before: str, after: str) -> tuple[str, int, int]:
    """`after` with each passage that is not in `before` marked; and how many passages were
    changed or added, and how many removed."""
    old, new = _Passages(before).passages, _Passages(after).passages
    changed, removed = [], 0
    matcher = SequenceMatcher(None, [p.key for p in old], [p.key for p in new], autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            continue
        changed += [p for p in new[j1:j2] if p.text.strip()]
        removed += max(0, (i2 - i1) - (j2 - j1))
    marked = after
    for passage in sorted(changed, key=lambda p: p.start, reverse=True):
        opening = len(passage.tag) + 1
        marked = (
            marked[: passage.start + opening]
            + MARK
            + marked[passage.start + opening : passage.end_of_tag]
            + SAID
            + marked[passage.end_of_tag :]
        )
    return marked, len(changed), removed


@dataclass
class Banner:
    """What the preview says of itself."""

    title: str  # e.g. "Preview of revision 3 — not published"
    note: str  # what it is, in a sentence
    back_url: str
    back_label: str
    phone_url: str = ""
    desktop_url: str = ""


def preview_response(request, snapshot: PageSnapshot, banner: Banner, change_summary: str):
    """The preview at desktop width (the browser's own), or framed at a phone's width."""
    if request.GET.get("width") == "phone":
        banner.desktop_url = request.path
        context = {"banner": banner, "frame_url": f"{request.path}?framed=1"}
        return TemplateResponse(request, "reviews/preview/phone.html", context)
    banner.phone_url = f"{request.path}?width=phone"
    return _render_preview(request, snapshot, banner, change_summary)


# The phone width is the same page in a frame of the admin's own.
@csp_override({**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]})
@xframe_options_sameorigin
def _render_preview(request, snapshot: PageSnapshot, banner: Banner, change_summary: str):
    """The page `snapshot` would publish, rendered as readers will see it, with the passages
    that differ from the published page marked and the banner above it."""
    model = PAGE_MODELS[snapshot.kind]
    review = PageReview.objects.for_item(model(pk=snapshot.object_id)).first()
    page = preview(snapshot, review=review, change_summary=change_summary)
    html = render_page(request, page).content.decode()
    published = (
        PublishedPage.objects.with_review()
        .filter(kind=snapshot.kind, object_id=snapshot.object_id)
        .first()
    )
    changed = removed = 0
    if published is not None:
        before = render_page(request, published).content.decode()
        html, changed, removed = mark_changes(before, html)
    context = {
        "banner": banner,
        "counted": True,
        "is_new": published is None,
        "changed": changed,
        "removed": removed,
    }
    head = render_to_string("reviews/preview/head.html", context, request)
    html = html.replace("</head>", f"{head}</head>", 1)
    if not request.GET.get("framed"):
        # After the skip link, which stays the first thing on the page.
        top = render_to_string("reviews/preview/banner.html", context, request)
        html = html.replace(HEADER, top + HEADER, 1)
    response = HttpResponse(html)
    # Never a search result, and never kept by a cache on the way (the admin's own views are
    # never cached): it is not published.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
