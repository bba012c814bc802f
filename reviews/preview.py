"""A change as readers will see it, before it is published.

The preview is the public page itself: the snapshot a reviewer signs (or, from the change form,
what the page's working rows would publish now) made into a page by the code that publishes,
and rendered by the public views and templates. The passages that differ from what readers see
now are marked, and a banner says it is not published. Only the editorial team reaches it (the
admin's login), and it is never cached or indexed.
"""

import re
from dataclasses import dataclass, field
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
from therapies.models import PAGE_MODELS, PublishedPage, WithdrawnPage
from therapies.publishing import PageSnapshot, preview
from therapies.views import render_page

# The elements that hold a passage of text; lists and sections around them do not.
PASSAGES = {
    "p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "th", "td", "blockquote", "figcaption",
}  # fmt: skip
# What a reader follows or reads out of a passage besides its text: a link's address, a title.
TARGETS = {"href", "title"}
# Text inside these is not read as part of the page.
UNREAD = {"script", "style", "template", "noscript"}
MARK = ' data-changed=""'
SAID = '<span class="visually-hidden">Changed: </span>'
HEADER = '<header class="site-header">'


@dataclass
class Passage:
    """A passage of the page's main content: an element that holds text (`end` is None), or
    text standing outside any such element (a loose run, from `start` to `end`)."""

    tag: str
    start: int  # where its start tag (or its text) begins in the document
    end_of_tag: int  # where its start tag ends
    text: str = ""
    targets: list[str] = field(default_factory=list)
    end: int | None = None

    @property
    def key(self) -> tuple:
        return self.tag, " ".join(self.text.split()), tuple(self.targets)

    def marked(self, html: str) -> str:
        if self.end is not None:
            run = html[self.start : self.end]
            return f"{html[: self.start]}<span{MARK}>{SAID}{run}</span>{html[self.end :]}"
        opening = self.start + len(self.tag) + 1
        return (
            f"{html[:opening]}{MARK}{html[opening : self.end_of_tag]}{SAID}"
            f"{html[self.end_of_tag :]}"
        )


class _Passages(HTMLParser):
    """The passages of a page's <main>, each with its own text (not that of passages inside
    it) and the addresses and titles it holds."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for number, character in enumerate(html):
            if character == "\n":
                self.line_starts.append(number + 1)
        self.passages: list[Passage] = []
        self.open: list[Passage] = []
        self.in_main = False
        self.unread = 0
        self.loose: Passage | None = None
        self.feed(html)
        self.close()

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def end_loose_text(self):
        # Loose text runs up to the next tag; its words are known once that tag is reached.
        if self.loose is not None:
            self.loose.end = self.position()
            self.loose = None

    def handle_starttag(self, tag, attrs):
        self.end_loose_text()
        if tag == "main":
            self.in_main = True
        elif tag in UNREAD:
            self.unread += 1
        if not self.in_main:
            return
        if tag in PASSAGES:
            start = self.position()
            passage = Passage(tag, start, start + len(self.get_starttag_text()))
            self.passages.append(passage)
            self.open.append(passage)
        elif self.open:
            self.open[-1].targets += [f"{name}={value}" for name, value in attrs if name in TARGETS]

    def handle_startendtag(self, tag, attrs):
        self.end_loose_text()

    def handle_endtag(self, tag):
        self.end_loose_text()
        if tag == "main":
            self.in_main = False
        elif tag in UNREAD:
            self.unread = max(0, self.unread - 1)
        if tag in PASSAGES and self.open and self.open[-1].tag == tag:
            self.open.pop()

    def handle_comment(self, data):
        self.end_loose_text()

    def handle_data(self, data):
        if not self.in_main or self.unread:
            return
        if self.open:
            self.open[-1].text += data
        elif data.strip():
            start = self.position()
            self.loose = Passage("#text", start, start, data)
            self.passages.append(self.loose)

    def close(self):
        super().close()
        self.end_loose_text()


def mark_changes(before: str, after: str) -> tuple[str, int, int]:
    """`after` with each passage of its main content that is not in `before` marked (its text,
    or an address or title in it, differs); and how many passages were changed or added, and
    how many removed."""
    old, new = _Passages(before).passages, _Passages(after).passages
    changed, removed = [], 0
    matcher = SequenceMatcher(None, [p.key for p in old], [p.key for p in new], autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            continue
        changed += [p for p in new[j1:j2] if p.text.strip() or p.targets]
        removed += max(0, (i2 - i1) - (j2 - j1))
    marked = after
    for passage in sorted(changed, key=lambda p: p.start, reverse=True):
        marked = passage.marked(marked)
    return marked, len(changed), removed


def _main_content(html: str) -> str:
    found = re.search(r"<main\b.*</main>", html, re.S)
    return " ".join((found[0] if found else html).split())


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


def framed_in_admin(view):
    """A page the admin shows in a frame of its own (the phone width of a preview, the page in
    a production record); other sites still cannot frame it."""
    return csp_override({**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]})(
        xframe_options_sameorigin(view)
    )


@framed_in_admin
def _render_preview(request, snapshot: PageSnapshot, banner: Banner, change_summary: str):
    """The page `snapshot` would publish, rendered as readers will see it, with the passages
    that differ from the published page marked and the banner above it."""
    model = PAGE_MODELS[snapshot.kind]
    review = PageReview.objects.for_item(model(pk=snapshot.object_id)).first()
    published = (
        PublishedPage.objects.with_review()
        .filter(kind=snapshot.kind, object_id=snapshot.object_id)
        .first()
    )
    # Who approves it is known only once someone does: until then the page names the approver
    # of what readers see now, as its review dates are those of now.
    approved_by = published.approved_by if published else None
    page = preview(snapshot, review=review, approved_by=approved_by, change_summary=change_summary)
    html = render_page(request, page).content.decode()
    changed = removed = 0
    unexplained = False
    if published is not None:
        before = render_page(request, published).content.decode()
        # Never "no difference" while what readers get differs in a way no passage shows.
        unexplained = _main_content(before) != _main_content(html)
        html, changed, removed = mark_changes(before, html)
        unexplained = unexplained and not (changed or removed)
    # A page taken off the site: readers get a notice that it was withdrawn, not nothing.
    withdrawn = (
        None
        if published is not None
        else WithdrawnPage.objects.filter(kind=snapshot.kind, object_id=snapshot.object_id)
        .order_by("-withdrawn_at")
        .first()
    )
    context = {
        "banner": banner,
        "counted": True,
        "is_new": published is None and withdrawn is None,
        "withdrawn": withdrawn,
        "changed": changed,
        "removed": removed,
        "unexplained": unexplained,
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
