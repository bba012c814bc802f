"""Editors' long text, as readers see it.

Editors may write plain text, Markdown or HTML. Whatever they write is made into HTML and then
passes through one sanitiser, nh3, with an allow-list of tags, attributes and URL schemes, so
nothing typed into the admin can run in a reader's browser or a feed reader. Every place that
shows editors' text as markup goes through `render`; every place that needs it as plain text
(JSON-LD) goes through `plain`.
"""

import html
import re
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Enough to write patient information: paragraphs, lists, emphasis, links, quotations and
# sub-headings (h3, h4: never as high as the page's own h1 and h2 sections).
TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "h3", "h4",
    "abbr", "sub", "sup",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = {"https", "http", "mailto", "tel"}
# These are removed with everything inside them; other tags outside the list lose only the tag.
REMOVED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "iframe", "object", "svg", "math",
}  # fmt: skip

# Single line breaks are kept, as they were when the text was plain. Markdown's indented code,
# fences, inline code, rules, images and headings ("#" and underlined) are off: indented plain
# text stays a paragraph, "# " stays as written, and an image is left as a link to it.
MARKDOWN = (
    MarkdownIt("commonmark", {"breaks": True, "html": True, "linkify": True})
    .enable("linkify")
    .disable(["code", "fence", "heading", "lheading", "hr", "image", "backticks"])
)


BLOCK_ENDS = re.compile(r"<br>\n?|</(?:p|li|h3|h4|blockquote)>")

# What the admin tells editors under every long text field.
HELP = (
    "Plain text, Markdown or HTML: **bold**, *italic*, lists, > quotes, [a link](https://…). "
    "Anything else (scripts, styles, images, other tags) is removed before readers see it."
)


def _without_protocol_relative_links(tag: str, attribute: str, value: str) -> str | None:
    """nh3 lets relative addresses through, which is what links within the site need; but
    "//host" and "/\\host" are relative only in name: browsers take them to another site."""
    if attribute == "href" and value.lstrip().startswith(("//", "/\\", "\\")):
        return None
    return value


# A page may tell readers of a video only where it links to one.
VIDEO = re.compile(r"\bvideos?\b", re.IGNORECASE)
# "You can also watch a video about…": a sentence that sends the reader to a video.
PROMISED_VIDEO = re.compile(r"\b(?:watch|see|view)\b[^.!?\n]*\bvideos?\b", re.IGNORECASE)
SENTENCE_ENDS = re.compile(r"(?<=[.!?])\s+")
# Lists, headings, quotes, tables and HTML blocks are never cut: only sentences of prose.
NOT_PROSE = re.compile(r"^\s*(?:[-*+#>|<]|\d+[.)])")


def without_unkept_promises(text: str) -> str:
    """`text` without the sentences of prose that send readers to a video when the text links
    to nothing: a promise the page cannot keep is not printed. Editors are told of it on the
    page's form and the dashboard (readability.promised_videos), and decide: add the link, or
    take it out. Nothing else is ever left out."""
    if not PROMISED_VIDEO.search(text) or "href=" in _clean(MARKDOWN.render(text.strip())):
        return text
    paragraphs = []
    for paragraph in text.split("\n\n"):
        if PROMISED_VIDEO.search(paragraph) and not NOT_PROSE.match(paragraph):
            sentences = SENTENCE_ENDS.split(paragraph)
            paragraph = " ".join(s for s in sentences if not PROMISED_VIDEO.search(s))
        if paragraph.strip():
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _clean(html_text: str) -> str:
    return nh3.clean(
        html_text,
        tags=TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_without_protocol_relative_links,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


@lru_cache(maxsize=4096)
def _sanitised_html(text: str) -> str:
    return _clean(MARKDOWN.render(without_unkept_promises(text.strip())))


def render(text: str | None) -> SafeString:
    """`text` as safe HTML paragraphs; empty when there is nothing to show."""
    if not text or not text.strip():
        return mark_safe("")
    return mark_safe(_sanitised_html(text))  # nh3's output: only the allow-list survives


def plain(text: str | None) -> str:
    """`text` as readers read it, without markup: for JSON-LD and other non-HTML places."""
    if not text or not text.strip():
        return ""
    # Blocks and line breaks end in a new line, so that words of two blocks never run together.
    ended = BLOCK_ENDS.sub("\n", _sanitised_html(text))
    words = html.unescape(nh3.clean(ended, tags=set()))
    return re.sub(r"\n\s*\n", "\n\n", words).strip()
