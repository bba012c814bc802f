from django import template

from therapies import jsonld, navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def page_jsonld(context, page, references=None, review=None):
    """The page's schema.org description, as a JSON-LD script element."""
    request = context["request"]
    url = request.build_absolute_uri(page.get_absolute_url())
    data = jsonld.describe(page, url, references or page.document.get("references", []), review)
    crumbs = navigation.trail(page, page.get_absolute_url())
    data["breadcrumb"] = jsonld.breadcrumbs(
        [(crumb.label, request.build_absolute_uri(crumb.url)) for crumb in crumbs]
    )
    return jsonld.script(data)
