"""Explaining medical words: the first use of each glossary term on a page links to its
plain-English explanation further down the same page (no JavaScript needed)."""

import html
import re
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from therapies.models import PublishedPage

TAGS_AND_REFERENCES = re.compile(r'(<(?:[^>"]|"[^"]*")*>|&#?\w+;)')


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    explanation: str


class Glossary:
    """The published glossary, ready to mark a page's text, remembering what it has marked."""

    def __init__(self, terms: list[Term], forms: dict[str, Term]):
        self.terms = terms
        self.by_form = forms
        self.seen: list[Term] = []
        alternatives = sorted(forms, key=len, reverse=True)  # longest first: "TKIs" before "TKI"
        self.pattern = (
            re.compile(r"\b(" + "|".join(map(re.escape, alternatives)) + r")\b", re.IGNORECASE)
            if alternatives
            else None
        )

    @classmethod
    def published(cls) -> "Glossary":
        terms, forms = [], {}
        for page in PublishedPage.objects.glossary_terms().only("slug", "title", "document"):
            term = Term(page.slug, page.title, page.document["explanation"])
            terms.append(term)
            for form in page.document.get("forms") or [page.title]:
                # As the sanitiser writes text: only &, < and > escaped.
                forms.setdefault(html.escape(form, quote=False).casefold(), term)
        return cls(terms, forms)

    def mark(self, markup: str) -> SafeString:
        """Link the first use on the page of each term in `markup` (sanitised HTML) to its
        explanation. Text inside tags and inside links is left alone."""
        if self.pattern is None:
            return mark_safe(markup)
        # Tags (a ">" inside a quoted attribute value included) and character references
        # (&amp;) are kept whole; only the text between them is searched.
        parts = TAGS_AND_REFERENCES.split(markup)
        in_link = False
        for index, part in enumerate(parts):
            if part.startswith("<"):
                in_link = part.startswith("<a ") or (in_link and not part.startswith("</a"))
                continue
            if part.startswith("&"):
                continue
            if not in_link:
                parts[index] = self.pattern.sub(self.link, part)
        return mark_safe("".join(parts))  # sanitised markup and our own links

    def link(self, match: re.Match) -> str:
        term = self.by_form.get(match.group(0).casefold())
        if term is None or term in self.seen:
            return match.group(0)
        self.seen.append(term)
        return format_html('<a class="term" href="#explain-{}">{}</a>', term.slug, match.group(0))
