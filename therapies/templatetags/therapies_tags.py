from django import template
from django.template.defaultfilters import linebreaks_filter

register = template.Library()


@register.filter(needs_autoescape=True)
def paragraphs(text, autoescape=True):
    """Plain text with blank lines between paragraphs, as HTML paragraphs; nothing when empty."""
    if not text or not text.strip():
        return ""
    return linebreaks_filter(text.strip(), autoescape=autoescape)


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
