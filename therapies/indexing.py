"""What search knows of a published page, worked out from what readers see of it.

Each page is indexed from its snapshot's title and document alone, so search finds a page only
by words the page shows, and the index can be rebuilt from the published pages at any time (a
migration does, when what is indexed changes). A page's entry also holds the title and one-line
summary its search result shows, so a list of results is written without reading documents.
"""

import re
from dataclasses import dataclass

from therapies import rich_text
from therapies.models import PageKind
from therapies.models.published import search_key

SUMMARY_LENGTH = 200
# A word joined to the next by a hyphen: readers type "hand-foot", "hand foot" and "handfoot".
HYPHENATED = re.compile(r"\w+(?:-\w+)+")


@dataclass
class IndexEntry:
    names: str  # what the page is called: its title, a drug's brand and other names
    text: str  # what it is about: conditions, side effects, medical names, headings
    body: str  # the words of the page
    result_title: str
    result_summary: str


def index_entry(kind: str, title: str, document: dict, presents=()) -> IndexEntry:
    """`presents`: the names of the drugs a guide presents, as their own pages show them (a
    guide's document holds only their ids), so that a search for a drug finds its guides."""
    names, text, body, summary = INDEXERS[kind](document)
    return IndexEntry(
        names=_searchable([title, *names]),
        text=_searchable([*text, *presents]),
        # Editors' long text may be Markdown or HTML: only the words readers see count.
        body=_searchable(rich_text.plain(text) for text in body),
        result_title=_result_title(kind, title, document),
        result_summary=summary,
    )


def _searchable(texts) -> str:
    """The words of `texts` as search compares them, with each hyphenated word also joined."""
    keys = []
    for text in texts:
        if not text:
            continue
        keys.append(search_key(text))
        keys.extend(match.replace("-", "") for match in HYPHENATED.findall(text.casefold()))
    return " | ".join(key for key in keys if key)


def _result_title(kind: str, title: str, document: dict) -> str:
    title = title[:1].upper() + title[1:]
    brands = document.get("brand_names") if kind == PageKind.THERAPY else None
    return f"{title} ({', '.join(brands)})" if brands else title


def first_sentence(text: str) -> str:
    """The first sentence of an editor's text, as plain words: a result's one line."""
    words = " ".join(rich_text.plain(text).split())
    sentence = re.match(r".+?[.!?](?=\s|$)", words)
    sentence = sentence.group(0) if sentence else words
    if len(sentence) > SUMMARY_LENGTH:
        sentence = sentence[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"
    return sentence


def _therapy(document: dict):
    conditions = [condition["name"] for condition in document["conditions"]]
    drug_class = document["drug_class"]
    # What a reader choosing between drugs wants first: what kind, for what, taken how.
    facts = []
    if drug_class:
        facts.append(drug_class["name"][:1].upper() + drug_class["name"][1:] + ".")
    if conditions:
        facts.append(f"Used for: {'; '.join(conditions)}.")
    if document["dosage_forms"]:
        facts.append(f"Taken as {' or '.join(document['dosage_forms'])}.")
    return (
        [*document["brand_names"], *document.get("other_names", [])],
        [
            *conditions,
            *(effect["name"] for effect in document["side_effects"]),
            drug_class["name"] if drug_class else "",
        ],
        [document["summary"], document["how_it_works"], document["when_used"]],
        " ".join(facts) or first_sentence(document["summary"]),
    )


def _side_effect(document: dict):
    return (
        [document["name"], document["medical_name"]],
        [],
        [document["what_it_is"], document["what_helps"]],
        first_sentence(document["what_it_is"]),
    )


def _glossary_term(document: dict):
    return (
        document["forms"],
        [],
        [document["explanation"]],
        first_sentence(document["explanation"]),
    )


def _topic(document: dict):
    sections = document["sections"]
    return (
        [],
        [section["heading"] for section in sections],
        [document["intro"], *(section["body"] for section in sections)],
        first_sentence(document["intro"]),
    )


def _information_page(document: dict):
    return ([], [], [document["body"]], first_sentence(document["body"]))


INDEXERS = {
    PageKind.THERAPY: _therapy,
    PageKind.SIDE_EFFECT: _side_effect,
    PageKind.GLOSSARY_TERM: _glossary_term,
    PageKind.TOPIC: _topic,
    PageKind.INFORMATION: _information_page,
}
