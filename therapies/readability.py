"""How plain a page's English is, measured as the NHS measures it (SMOG), with the other
common formulas, the long sentences and paragraphs, and medical words nobody has explained."""

import re
from dataclasses import dataclass, field

import textstat
from django.conf import settings
from django.db import models

from therapies import rich_text
from therapies.models import BrandName, GlossaryTerm, PageKind, ReadingLevel, Therapy, Topic
from therapies.publishing import build_snapshot

MAX_SENTENCE_WORDS = 20
MAX_PARAGRAPH_SENTENCES = 3
# Long everyday words a patient knows: not medical words to explain.
EVERYDAY = {
    "information",
    "available",
    "circumstances",
    "particularly",
    "effectively",
    "effective",
    "approximately",
    "especially",
    "everyone",
    "including",
    "inclusive",
    "illustrations",
    "statistics",
    "necessary",
    "clinically",
    "individual",
    "opportunity",
    "generally",
    "unfortunately",
    "automatically",
    "immediately",
    "organisation",
    "medication",
    "medicines",
    "consortium",
    "institute",
    "excellence",
    "national",
    "scottish",
    "nhs",
    "uk",
}


@dataclass
class Report:
    smog: float
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    sentences: int
    words: int
    average_sentence_length: float
    long_sentences: list[str] = field(default_factory=list)
    long_paragraphs: list[str] = field(default_factory=list)
    unexplained_words: list[str] = field(default_factory=list)

    @property
    def too_few_sentences_for_smog(self) -> bool:
        return self.sentences < 30

    @property
    def above_limit(self) -> bool:
        return self.smog > settings.READABILITY_SMOG_LIMIT

    def figures(self) -> dict:
        """What is kept with a publication: the scores, and the sentences and words to look at
        counted and named."""
        return {
            "smog": self.smog,
            "flesch_reading_ease": self.flesch_reading_ease,
            "flesch_kincaid_grade": self.flesch_kincaid_grade,
            "sentences": self.sentences,
            "words": self.words,
            "long_sentences": len(self.long_sentences),
            "long_paragraphs": len(self.long_paragraphs),
            "unexplained_words": self.unexplained_words,
        }


def as_sentence(text: str) -> str:
    """Headings and list items end with a full stop, as the NHS advises before measuring."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:" else f"{text}."


def paragraphs_of(item) -> list[str]:
    """The page's public text, paragraph by paragraph, in reading order."""
    return paragraphs_of_document(item.page_kind, build_snapshot(item).document)


def paragraphs_of_document(kind: str, document: dict) -> list[str]:
    """The public text of a page's document (a snapshot's, or what was published), paragraph by
    paragraph. A topic shows its therapies as their own pages now say."""
    if kind == PageKind.THERAPY:
        return _therapy_paragraphs(document)
    if kind == PageKind.TOPIC:
        therapies = {
            t.pk: t
            for t in Therapy.objects.filter(
                pk__in=[i for s in document["sections"] for i in s["therapies"]]
            )
        }
        found = [as_sentence(document["title"]), *split(document["intro"])]
        for section in document["sections"]:
            found += [as_sentence(section["heading"]), *split(section["body"])]
            for therapy_id in section["therapies"]:
                if therapy_id in therapies:
                    therapy = build_snapshot(therapies[therapy_id]).document
                    found += _therapy_paragraphs(therapy, own_page=False)
        return [p for p in found if p]
    # Side effects, medical words and pages about the site: their text fields in order.
    return [
        p
        for key, value in document.items()
        if isinstance(value, str) and key not in UNREAD_KEYS
        for p in split(value)
    ]


# Parts of a document that are addresses or names of its parts, not text readers read.
UNREAD_KEYS = {"slug", "kind", "url", "forms"}


def _therapy_paragraphs(document: dict, *, own_page: bool = True) -> list[str]:
    """A therapy's text in the order its page shows it. A topic shows it without the safety
    sections (it links to them on the therapy's page), so they are measured there only."""
    found = [as_sentence(document["generic_name"].capitalize())]
    if own_page:
        found += split(document["contact_team_straight_away"])
    for key in ["summary", "how_it_works", "when_used", "how_taken"]:
        found += split(document[key])
    if own_page:
        found += split(document["missed_dose"])
    found += [as_sentence(effect["name"]) for effect in document["side_effects"]]
    if own_page:
        found += split(document["pregnancy_and_contraception"])
        found += split(document["other_medicines"])
    found += split(document["availability_note"])
    return [p for p in found if p]


def split(text: str) -> list[str]:
    """Paragraphs as readers read them: the words, without the Markdown or HTML around them."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", rich_text.plain(text)) if p.strip()]


def _sentences_of(paragraph: str) -> list[str]:
    # A sentence ends at . ! or ? followed by a capital, a digit, an opening quote or bracket.
    starts = "A-Z0-9\u2018\u201c("
    return [s for s in re.split(rf"(?<=[.!?])\s+(?=[{starts}])", paragraph) if s.strip()]


def _explained_forms() -> set[str]:
    forms = set()
    for term in GlossaryTerm.objects.only("term", "also_matches"):
        forms.update(word.casefold() for form in term.forms for word in re.findall(r"[\w-]+", form))
    return forms


def _drug_names() -> set[str]:
    names = set(Therapy.objects.values_list("generic_name", flat=True))
    names |= set(BrandName.objects.values_list("name", flat=True))
    return {word.casefold() for name in names for word in re.findall(r"[\w-]+", name)}


def medical_words(text: str, known: set[str]) -> list[str]:
    """Long words (5 syllables or more) and abbreviations that are neither explained in the
    glossary nor drug names: likely medical words a reader would need explained. A guide for
    editors, not a verdict."""
    found = []
    for word in dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z-]+", text)):
        key = word.casefold()
        if key in known or key.removesuffix("s") in known or key in EVERYDAY:
            continue
        is_abbreviation = len(word) >= 2 and word.removesuffix("s").isupper()
        if is_abbreviation or textstat.syllable_count(word) >= 5:
            found.append(word)
    return found


def report(item) -> Report:
    return _report(paragraphs_of(item))


def report_of_document(kind: str, document: dict) -> Report:
    """The measures of a page as a snapshot of it says, such as what was published."""
    return _report(paragraphs_of_document(kind, document))


def report_of_text(text: str) -> Report:
    """The same measures of a text readers see apart from a page's own, such as a note of
    what changed."""
    return _report(split(text))


def _report(paragraphs: list[str]) -> Report:
    text = "\n".join(paragraphs)
    all_sentences = [s for p in paragraphs for s in _sentences_of(p)]
    words = sum(len(s.split()) for s in all_sentences)
    return Report(
        smog=round(textstat.smog_index(text), 1),
        flesch_reading_ease=round(textstat.flesch_reading_ease(text), 1),
        flesch_kincaid_grade=round(textstat.flesch_kincaid_grade(text), 1),
        sentences=len(all_sentences),
        words=words,
        average_sentence_length=round(words / len(all_sentences), 1) if all_sentences else 0,
        long_sentences=[s for s in all_sentences if len(s.split()) > MAX_SENTENCE_WORDS],
        long_paragraphs=[p for p in paragraphs if len(_sentences_of(p)) > MAX_PARAGRAPH_SENTENCES],
        unexplained_words=medical_words(text, _explained_forms() | _drug_names()),
    )


def measure_pages(pages) -> None:
    """Store the SMOG grade of each therapy and topic among `pages`, and of the topics that show
    one of the therapies: each page measured once, however many of the changes touched it.
    Other pages (side effects, glossary terms, shared rows) have no reading level to keep."""
    measured: dict[tuple[type, int], Therapy | Topic] = {}
    for page in pages:
        if isinstance(page, Therapy | Topic):
            measured[(type(page), page.pk)] = page
        if isinstance(page, Therapy):
            for topic in Topic.objects.filter(sections__presented__therapy=page).distinct():
                measured.setdefault((Topic, topic.pk), topic)
    for page in measured.values():
        ReadingLevel.objects.update_or_create(
            kind=page.page_kind,
            object_id=page.pk,
            defaults={"title": str(page), "smog": report(page).smog},
        )


def forget(page) -> None:
    """A deleted page leaves the list of pages that are hard to read."""
    if isinstance(page, Therapy | Topic):
        ReadingLevel.objects.filter(kind=page.page_kind, object_id=page.pk).delete()


def promised_videos(item) -> list[str]:
    """The sentences of the page's own text that send readers to a video, or to more of our
    information, while the sentence links to none: a promise readers cannot keep, so not
    printed. rich_text.unkept_promises decides both what is left out and what is listed here.
    Editors decide: add the link, or take the sentence out. A topic's text is its own and its
    sections'."""
    texts = [
        getattr(item, column.name)
        for column in item._meta.concrete_fields
        if isinstance(column, models.TextField)
    ]
    if isinstance(item, Topic):
        texts += [section.body for section in item.sections.all()]
    # As written: what readers get leaves the promise out.
    return [sentence for text in texts if text for sentence in rich_text.unkept_promises(text)]
