"""Finding one's way on the public site: where a page sits (its breadcrumbs), the contents of a
long page ("On this page"), and the guides that present a drug."""

import html
import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, slugify

from therapies.models import PageKind, PublishedPage

# A page lists its contents ("On this page") when the list would hold more than this many
# headings: with four or more, a reader on a phone scrolls several screens to reach the last.
CONTENTS_AFTER_SECTIONS = 3

HEADING = re.compile(r"<h([23])\b([^>]*)>(.*?)</h\1>", re.S)
ID = re.compile(r"""(?<![\w-])id=["']([^"']*)["']""")


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def _section(kind: str) -> Crumb | None:
    """The part of the site a kind of page belongs to, between Home and the page. A side
    effect belongs to several drugs, and a page about the site to the site itself: both sit
    just below Home."""
    match kind:
        case PageKind.THERAPY:
            return Crumb("Find a drug", reverse("therapies:therapy_list"))
        case PageKind.TOPIC:
            # There is no page of guides of its own: they are listed on the home page.
            return Crumb("Guides", reverse("therapies:home") + "#topics")
        case PageKind.GLOSSARY_TERM:
            return Crumb("Medical words explained", reverse("therapies:glossary"))
    return None


def trail(current: PublishedPage | str, url: str, under: PublishedPage | None = None):
    """Home, the parts of the site above the page, and the page itself (at `url`) last.

    `current` is a published page, or the title of a page of its own ("Find a drug"); `under`
    is the published page that a page of its own is about (the feedback form's page).
    """
    if isinstance(current, PublishedPage):
        section = _section(current.kind)
        above = [section] if section else []
        current = capfirst(current.title)
    elif under is not None:
        above = trail(under, under.get_absolute_url())[1:]
    else:
        above = []
    return [Crumb("Home", reverse("therapies:home")), *above, Crumb(current, url)]


@dataclass
class Entry:
    """One heading in a page's contents, and the headings of the level below it."""

    anchor: str
    label: SafeString
    children: list["Entry"] = field(default_factory=list)


def contents(body: str, depth: int = 2) -> tuple[SafeString, list[Entry]]:
    """The h2 headings of `body` (and h3 under them, with `depth` 3), and `body` with an id on
    each: a heading without one gets one made from its words. Reads our own templates' output,
    where a heading never holds another."""
    taken = set(ID.findall(body))
    entries: list[Entry] = []

    def listed(match: re.Match) -> str:
        level, attributes, inner = int(match[1]), match[2], match[3]
        if level > depth or (level == 3 and not entries):
            return match[0]
        found = ID.search(attributes)
        if found:
            anchor = found[1]
        else:
            anchor = base = slugify(html.unescape(strip_tags(inner))) or "section"
            number = 2
            while anchor in taken:
                anchor, number = f"{base}-{number}", number + 1
            taken.add(anchor)
            attributes = f' id="{anchor}"{attributes}'
        # The heading's own text, already escaped when the template rendered it.
        entry = Entry(anchor, mark_safe(" ".join(strip_tags(inner).split())))
        (entries[-1].children if level == 3 else entries).append(entry)
        return f"<h{level}{attributes}>{inner}</h{level}>"

    return mark_safe(HEADING.sub(listed, body)), entries


def guides_presenting(object_id: int) -> list[PublishedPage]:
    """The published guides that present the drug `object_id`, in one query however many
    there are (few: each guide is a long page)."""
    topics = PublishedPage.objects.topics().only("kind", "slug", "title", "document")
    return [
        topic
        for topic in topics
        if any(object_id in section["therapies"] for section in topic.document["sections"])
    ]
