from django import template

from therapies import rich_text

register = template.Library()


@register.filter
def paragraphs(text):
    """An editor's text (plain, Markdown or HTML) as sanitised HTML; nothing when empty."""
    return rich_text.render(text)


@register.filter
def plain_text(text):
    """An editor's text without its markup, for a place in a sentence."""
    return rich_text.plain(text)


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
