from django import template
from django.template.loader import render_to_string

from therapies import navigation

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, current, under=None):
    """The page's breadcrumbs: `current` is a published page or the title of a page of its own;
    `under` the published page a page of its own is about."""
    request = context["request"]
    return {"trail": navigation.trail(current, request.path, under)}


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as a full address, for a printed page to give. Built from the request's host, as
    the pages' JSON-LD addresses are: the page cache keeps a page per host (page_key)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


class ContentsNode(template.Node):
    def __init__(self, nodelist, depth: int):
        self.nodelist = nodelist
        self.depth = depth

    def render(self, context):
        body, entries = navigation.contents(self.nodelist.render(context), self.depth)
        if sum(1 + len(entry.children) for entry in entries) <= navigation.CONTENTS_AFTER_SECTIONS:
            return body
        return render_to_string("includes/contents_list.html", {"entries": entries}) + body


@register.tag
def contents(parser, token):
    """{% contents %}…{% endcontents %}: what it holds, after an "On this page" list of its h2
    headings (`{% contents depth=3 %}`: and the h3 headings under each) when that lists more
    than CONTENTS_AFTER_SECTIONS. The list follows the headings, whoever adds one."""
    bits = token.split_contents()
    depth = 2
    for bit in bits[1:]:
        name, _, value = bit.partition("=")
        if name != "depth" or value not in ("2", "3"):
            raise template.TemplateSyntaxError(f"{bits[0]} takes only depth=2 or depth=3")
        depth = int(value)
    nodelist = parser.parse(("endcontents",))
    parser.delete_first_token()
    return ContentsNode(nodelist, depth)
