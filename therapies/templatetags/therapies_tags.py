import datetime

from django import template
from django.template.defaultfilters import date

from therapies import rich_text

register = template.Library()

# How every public page writes a date: "1 December 2022" (the GOV.UK style guide's).
LONG_DATE = "j F Y"


@register.filter
def paragraphs(text):
    """An editor's text (plain, Markdown or HTML) as sanitised HTML; nothing when empty."""
    return rich_text.render(text)


@register.filter
def plain_text(text):
    """An editor's text without its markup, for a place in a sentence."""
    return rich_text.plain(text)


@register.filter
def long_date(value):
    """'1 December 2022': a date as NHS.UK and GOV.UK write it, with no leading zero. Takes a
    date, or one as a published page's document holds it ("2022-12-01")."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value) if value else None
    return date(value, LONG_DATE)


@register.filter
def brand_title(page):
    """'Imatinib (Glivec®)': the generic name, then its brand names."""
    brands = page.document.get("brand_names") or []
    title = page.title[:1].upper() + page.title[1:]
    return f"{title} ({', '.join(brands)})" if brands else title


@register.simple_tag(takes_context=True)
def glossed(context, text):
    """Paragraphs of `text`, with the page's first use of each medical word explained."""
    html = paragraphs(text)
    glossary = context.get("glossary")
    return glossary.mark(html) if glossary and html else html


def _described(page, has: dict) -> str:
    """The page's name, then the sections it shows, as in "Imatinib: what it is and its side
    effects." A section the page lacks is never named."""
    title = page.title[:1].upper() + page.title[1:]
    parts = [words for words, shown in has.items() if shown]
    if not parts:
        return f"{title}."
    listed = f"{', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"{title}: {listed}."


@register.filter
def therapy_description(page):
    """The drug page's meta description: what the page tells readers, and nothing it lacks."""
    doc = page.document
    has = {
        "what it is": doc.get("summary") or doc.get("drug_class"),
        "what it treats": doc.get("conditions"),
        "how you take it": doc.get("how_taken")
        or doc.get("dosage_forms")
        or doc.get("how_often")
        or doc.get("where_taken"),
        "what to do if you miss a dose": doc.get("missed_dose"),
        "its side effects": doc.get("side_effects"),
        "pregnancy and contraception": doc.get("pregnancy_and_contraception"),
        "other medicines": doc.get("other_medicines"),
        "when to contact your team straight away": doc.get("contact_team_straight_away"),
    }
    return _described(page, has)


@register.simple_tag
def side_effect_description(page, therapies):
    """The side effect page's meta description, naming only the sections it has."""
    doc = page.document
    has = {
        "what it is": doc.get("what_it_is"),
        "what can help": doc.get("what_helps"),
        "when to get help": doc.get("when_to_get_help"),
        "the drugs that can cause it": therapies,
    }
    return _described(page, has)
