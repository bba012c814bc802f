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


# "You can also watch a video about…", "We have a video…": a sentence that sends the reader to
# a video (seeing a doctor by video, a video appointment or call, is not one).
PROMISED_VIDEO = re.compile(
    r"\b(?:watch|see|view|we have|we['\u2019]ve got|there is|there['\u2019]s|there are)\b[^.!?]*"
    r"(?<!\bby )\bvideos?\b(?!\s+(?:appointments?|calls?|consultations?|clinics?)\b)",
    re.IGNORECASE,
)
# "We have more general information about targeted therapy.": a sentence that sends the reader
# to more of our information, somewhere else ("below" and "above" are on the page itself).
PROMISED_RESOURCE = re.compile(
    r"\bwe(?: also)?(?: have|['\u2019]ve got)\b(?![^.!?]*\b(?:below|above)\b)[^.!?]*"
    r"\b(?:more|further|other)\b[^.!?]*"
    r"\b(?:information|booklets?|leaflets?|factsheets?|fact sheets?|guides?)\b",
    re.IGNORECASE,
)
PROMISES = (PROMISED_VIDEO, PROMISED_RESOURCE)
# Words every such promise has, as a database's regular expression matches them (PostgreSQL's
# and Python's alike): a query finds the few texts worth judging sentence by sentence.
PROMISE_WORDS = r"video|we(\s+also)?\s+have|we['" "\u2019" r"]ve\s+got"
SENTENCE_ENDS = re.compile(r"(?<=[.!?])\s+")
BLANK_LINES = re.compile(r"(\n[ \t\r]*\n)")
# Lists, headings, quotes, tables and HTML blocks are never cut: only sentences of prose (a
# paragraph up to its first such line).
NOT_PROSE = re.compile(r"^\s*(?:[-*+#>|<]|\d+[.)])")
NOT_PROSE_LINE = re.compile(r"^[ \t]*(?:[-*+#>|<]|\d+[.)])", re.MULTILINE)


def _promises(words: str) -> bool:
    words = " ".join(words.split())
    return any(promise.search(words) for promise in PROMISES)


def _inside_a_link(text: str) -> bool:
    """Whether `text` ends inside a link's words: no sentence ends there."""
    opened = len(re.findall(r"<a\b", text, re.IGNORECASE))
    return text.count("[") > text.count("]") or opened > len(re.findall(r"</a\s*>", text, re.I))


def _sentences(prose: str) -> list[str]:
    """`prose` as its sentences with what separates them: [sentence, separator, sentence…]."""
    parts, start = [], 0
    for end in SENTENCE_ENDS.finditer(prose):
        if not _inside_a_link(prose[start : end.start()]):
            parts += [prose[start : end.start()], end.group()]
            start = end.end()
    return [*parts, prose[start:]]


def _kept(parts: list[str], keep) -> str:
    """`parts` ([part, separator, part…]) joined again, each part as `keep` makes it; a part
    it empties is left out with the separator before it (or, first, the one after it)."""
    kept = []
    for index, part in enumerate(parts[::2]):
        made = keep(part)
        if made != part and not made.strip():
            continue
        if kept:
            kept.append(parts[2 * index - 1])
        kept.append(made)
    return "".join(kept)


def _promises_kept(text: str) -> tuple[str, list[str]]:
    """`text` without its unkept promises, and those promises (white space folded). The one
    place that decides what is a promise readers cannot keep, so that what is printed and what
    editors are told of always agree: a sentence of prose that sends readers to a video or to
    more of our information, when that sentence itself links to nothing (a link elsewhere in
    the text is not where the sentence sends them)."""
    unkept = []

    def sentence(words: str) -> str:
        if _promises(words) and "href=" not in _clean(MARKDOWN.render(words.strip())):
            unkept.append(" ".join(words.split()))
            return ""
        return words

    def paragraph(block: str) -> str:
        listed = NOT_PROSE_LINE.search(block)
        prose, rest = (block[: listed.start()], block[listed.start() :]) if listed else (block, "")
        if NOT_PROSE.match(block) or not _promises(prose):
            return block
        return _kept(_sentences(prose), sentence) + rest

    return _kept(BLANK_LINES.split(text), paragraph), unkept


def without_unkept_promises(text: str) -> str:
    """`text` without the sentences of prose that promise readers what the page does not give
    them (a video, more of our information) with no link to it: a promise the page cannot keep
    is not printed. Editors are told of each on the page's form and the dashboard
    (unkept_promises, through readability.promised_videos), and decide: add the link, or take
    it out. Nothing else is ever left out."""
    if not _promises(text):
        return text
    return _promises_kept(text)[0]


def unkept_promises(text: str) -> list[str]:
    """The sentences `without_unkept_promises` leaves out of `text`, as written."""
    if not _promises(text):
        return []
    return _promises_kept(text)[1]


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
