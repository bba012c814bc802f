from django import template

from therapies import jsonld

register = template.Library()


@register.simple_tag(takes_context=True)
def page_jsonld(context, page, references=None, review=None):
    """The page's schema.org description, as a JSON-LD script element."""
    request = context["request"]
    url = request.build_absolute_uri(page.get_absolute_url())
    return jsonld.script(
        jsonld.describe(page, url, references or page.document.get("references", []), review)
    )
