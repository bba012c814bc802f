"""Finding published pages from what a reader types, as they spell it.

Each word matches a word or the start of one, in any order; a word or phrase also matches its
synonyms (the editors' `SearchSynonym` list: US spellings, a reader's word for a medical one);
and when nothing matches, near spellings do ("imatinab" finds imatinib), with the spelling the
reader was probably after offered back. Results come in the order readers expect: a page called
what they typed, then one whose name starts with it, one naming it (a brand), one about it (a
condition, a side effect), and last one that only mentions it.

On PostgreSQL, words match by full-text search over GIN indexes and near spellings
by trigram word similarity (pg_trgm) over GIN trigram indexes. On SQLite (development and the
demo) the same words and synonyms match anywhere in the indexed text, and near spellings are
found among the published pages' words with difflib.
"""

import datetime
import difflib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db import connections
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import Greatest, RowNumber
from django.utils import timezone

from therapies.editions import edition_clock
from therapies.models import PublishedPage, SearchSynonym, UnansweredSearch
from therapies.models.published import NAMES_VECTOR, SEARCH_VECTOR, search_key
from therapies.ratelimit import allow

logger = logging.getLogger(__name__)

MAX_LENGTH = 100
# Shorter words are too short to guess at: "ra" is the start of many words, a typo of none.
NEAR_SPELLING_MIN_LENGTH = 4
LONGEST_SYNONYM = 4  # words (SearchSynonym.clean)
NAMES, TEXT, BODY = "search_names", "search_text", "search_body"
# pg_trgm's default of 0.6 misses one wrong letter in an eight-letter name ("sunitnib" is 0.58
# like "sunitinib"); at 0.5 one or two wrong letters are forgiven.
WORD_SIMILARITY_THRESHOLD = 0.5
# Searches with this many digits in all may hold a phone or NHS number, as printed in groups or
# not: never kept in the record of searches.
IDENTIFYING_DIGITS = 6


def forgive_near_spellings(sender, connection, **kwargs):
    """Each new PostgreSQL connection takes near spellings as readers make them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}")


@dataclass(frozen=True)
class Query:
    """What the reader typed (at most MAX_LENGTH characters), as search compares it: `terms`
    holds each word or synonym phrase typed, with the phrases it may also be (itself first)."""

    text: str
    key: str
    terms: tuple[tuple[str, ...], ...]
    shortened: bool = False  # the reader typed more than MAX_LENGTH characters

    @property
    def words(self) -> list[str]:
        return self.key.split()


@dataclass
class Found:
    pages: QuerySet
    query: Query
    near: bool = False  # found by near spellings, none matching as typed
    suggestion: str = ""  # what the reader probably meant to type, when it differs


@lru_cache(maxsize=2)
def synonyms(edition_token: str) -> dict[str, tuple[str, ...]]:
    """Each phrase of the synonym list, with every phrase it means the same as. Saving a
    synonym starts a new edition of the site (editions.py), so this is worked out once per
    edition and process."""
    table: dict[str, set[str]] = {}
    for synonym in SearchSynonym.objects.all():
        for phrase in synonym.phrases:
            table.setdefault(phrase, set()).update(synonym.phrases)
    return {phrase: (phrase, *sorted(table[phrase] - {phrase})) for phrase in table}


def parse(text: str) -> Query:
    shortened = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH]
    key = search_key(text)
    table = synonyms(edition_clock.token()) if key else {}
    words = key.split()
    terms = []
    start = 0
    while start < len(words):
        # The longest synonym phrase starting here, else the word alone.
        for end in range(min(len(words), start + LONGEST_SYNONYM), start, -1):
            phrase = " ".join(words[start:end])
            if phrase in table or end == start + 1:
                terms.append(table.get(phrase, (phrase,)))
                start = end
                break
    return Query(text=text, key=key, terms=tuple(terms), shortened=shortened)


def find(pages: QuerySet, text: str, *, in_body: bool = True) -> Found:
    """The pages among `pages` that match `text`, best first. `in_body`: whether words the
    page only mentions count, or only its names and what it is about (a drug list's filter)."""
    query = parse(text)
    if not query.terms:
        return Found(pages, query)
    postgresql = connections[pages.db].vendor == "postgresql"
    if postgresql:
        vector = SEARCH_VECTOR if in_body else NAMES_VECTOR
        matching = pages.annotate(search_vector=vector).filter(_words_match(query.terms))
    else:
        matching = pages.filter(_text_contains(query.terms, in_body))
    found = _ranked(matching, query)
    if found.exists():
        return Found(found, query)
    if postgresql:
        near = _near_spellings_postgresql(pages, query)
    else:
        near = _near_spellings_elsewhere(pages, query, in_body)
    return Found(near, query, near=True, suggestion=_suggestion(near, query))


def _words_match(terms) -> Q:
    # Each word may be the start of one.
    raw = " & ".join(
        "(" + " | ".join(" & ".join(f"{w}:*" for w in p.split()) for p in term) + ")"
        for term in terms
    )
    # search_key leaves only letters, digits and spaces: nothing tsquery could misread.
    return Q(search_vector=SearchQuery(raw, search_type="raw", config="english"))


def _text_contains(terms, in_body: bool, columns=None) -> Q:
    columns = columns or ([NAMES, TEXT, BODY] if in_body else [NAMES, TEXT])
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{c}__contains": p}) for p in term for c in columns))
            for term in terms
        ),
    )


def _ranked(pages: QuerySet, query: Query) -> QuerySet:
    return pages.annotate(
        search_rank=Case(
            When(sort_name=query.key, then=Value(0)),
            When(sort_name__startswith=query.key, then=Value(1)),
            When(_text_contains(query.terms, False, [NAMES]), then=Value(2)),
            When(_text_contains(query.terms, False, [TEXT]), then=Value(3)),
            default=Value(4),
        )
    ).order_by("search_rank", "sort_name")


def _near_spellings_postgresql(pages: QuerySet, query: Query) -> QuerySet:
    """Pages with a word like each word typed (pg_trgm's word similarity, over the trigram
    indexes of names and what pages are about), most alike first."""
    conditions = []
    likeness = []
    for word in query.words:
        if len(word) < NEAR_SPELLING_MIN_LENGTH:
            conditions.append(Q(**{f"{NAMES}__contains": word}) | Q(**{f"{TEXT}__contains": word}))
            continue
        conditions.append(
            Q(**{f"{NAMES}__trigram_word_similar": word})
            | Q(**{f"{TEXT}__trigram_word_similar": word})
        )
        likeness.append(
            Greatest(TrigramWordSimilarity(word, NAMES), TrigramWordSimilarity(word, TEXT))
        )
    if not likeness:
        return pages.none()
    return (
        pages.filter(reduce(and_, conditions))
        .annotate(likeness=reduce(lambda a, b: a + b, likeness))
        .order_by(F("likeness").desc(), "sort_name")
    )


@lru_cache(maxsize=2)
def published_words(edition_token: str) -> frozenset[str]:
    """Every word of every published page's names and what it is about."""
    return frozenset(_words_of(PublishedPage.objects.values_list(NAMES, TEXT).iterator()))


def _words_of(rows) -> set[str]:
    """The words of (names, subjects) rows, as indexing.py stored them."""
    words = {word for row in rows for column in row for word in column.split()}
    words.discard("|")
    return words


def _near_spellings_elsewhere(pages: QuerySet, query: Query, in_body: bool) -> QuerySet:
    """Each word typed that no published word starts with, taken as any published word like
    it; then the pages matching those words."""
    vocabulary = published_words(edition_clock.token())
    terms = []
    for word in query.words:
        known = len(word) < NEAR_SPELLING_MIN_LENGTH or any(
            known_word.startswith(word) for known_word in vocabulary
        )
        alike = [] if known else difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.75)
        if not known and not alike:
            return pages.none()
        terms.append((word,) if known else tuple(alike))
    # Ranked as if the reader had typed the likeliest words.
    likeliest = Query(text=query.text, key=" ".join(t[0] for t in terms), terms=tuple(terms))
    return _ranked(pages.filter(_text_contains(terms, in_body)), likeliest)


def _suggestion(pages: QuerySet, query: Query) -> str:
    """The reader's words, each replaced by the most alike word of the best pages found."""
    words = _words_of(pages.values_list(NAMES, TEXT)[:10])
    suggested = []
    for word in query.words:
        alike = (
            difflib.get_close_matches(word, words, n=1, cutoff=0.6)
            if len(word) >= NEAR_SPELLING_MIN_LENGTH and word not in words
            else []
        )
        suggested.append(alike[0] if alike else word)
    # A name typed in two parts is corrected to the same name twice: say it once.
    suggestion = " ".join(w for i, w in enumerate(suggested) if i == 0 or w != suggested[i - 1])
    return suggestion if suggestion != query.key else ""


# An e-mail address or a UK postcode typed into the box: never kept either.
PERSONAL = re.compile(r"@|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def record_unanswered(request, key: str) -> None:
    """Count a search that found nothing, for the editors' dashboard: the words only, never
    who searched. A reader can add only so many (SEARCH_RECORD_LIMIT per window), and once a
    day has SEARCH_RECORD_DAILY_QUERIES different searches, only those are counted: a flood of
    junk cannot fill the database. A database that is down only loses the count."""
    typed = request.GET.get("q", "")
    if (
        not key
        or sum(character.isdigit() for character in key) >= IDENTIFYING_DIGITS
        or PERSONAL.search(typed)
        # The editorial team, logged in, checking a search from the dashboard: not a reader.
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        return
    # Lower case can be longer than what was typed ("ß" is "ss").
    key = key[: UnansweredSearch._meta.get_field("query").max_length]
    try:
        if not allow(
            request,
            action="unanswered-search",
            limit=settings.SEARCH_RECORD_LIMIT,
            window_seconds=settings.SEARCH_RECORD_WINDOW_SECONDS,
        ):
            return
        _count(key, timezone.localdate())
    except Exception:
        # A count that cannot be made (the database or the shared cache is down) is lost;
        # the reader's page is never.
        logger.warning("Could not count a search that found nothing", exc_info=True)


def _count(key: str, today: datetime.date) -> None:
    if UnansweredSearch.objects.filter(query=key, day=today).update(count=F("count") + 1):
        return
    if UnansweredSearch.objects.filter(day=today).count() >= settings.SEARCH_RECORD_DAILY_QUERIES:
        return
    UnansweredSearch.objects.bulk_create(
        [UnansweredSearch(query=key, day=today)], ignore_conflicts=True
    )
    # Each new search kept clears out what is older than anyone looks at.
    kept_from = today - datetime.timedelta(days=settings.SEARCH_RECORD_KEEP_DAYS)
    UnansweredSearch.objects.filter(day__lt=kept_from).delete()


def by_kind(pages: QuerySet, per_kind: int) -> dict[str, tuple[int, list[PublishedPage]]]:
    """How many of `pages` there are of each kind, and the best `per_kind` of each, in two
    queries. Only what a result shows is read: never the pages' documents."""
    counts = dict(pages.order_by().values_list("kind").annotate(n=Count("pk")))
    if not counts:
        return {}
    best = (
        pages.only("kind", "slug", "result_title", "result_summary")
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=F("kind"),
                order_by=[*pages.query.order_by],
            )
        )
        .filter(place__lte=per_kind)
    )
    found = {kind: (count, []) for kind, count in counts.items()}
    for page in best:
        found[page.kind][1].append(page)
    return found
