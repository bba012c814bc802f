from itertools import groupby

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models.functions import Substr, Upper
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods
from django.views.generic import DetailView

from therapies import jsonld, navigation, rich_text, search
from therapies.filters import TherapyFilter
from therapies.forms import FeedbackForm
from therapies.glossing import Glossary
from therapies.models import Feedback, PageKind, PublishedPage, WithdrawnPage
from therapies.ratelimit import allow


def home(request):
    therapies = PublishedPage.objects.therapies()
    # Every drug by name while the list is short; past that, a letter index to the list.
    names = list(
        therapies.only("kind", "slug", "title", "document")[: settings.HOME_A_TO_Z_LIMIT + 1]
    )
    if len(names) <= settings.HOME_A_TO_Z_LIMIT:
        a_to_z = [
            (letter, list(pages))
            for letter, pages in groupby(names, key=lambda page: page.title[:1].upper())
        ]
        letters = []
    else:
        a_to_z = []
        letters = (
            therapies.annotate(letter=Upper(Substr("sort_name", 1, 1)))
            .values_list("letter", flat=True)
            .distinct()
            .order_by("letter")
        )
    return render(
        request,
        "therapies/home.html",
        {"topics": PublishedPage.objects.topics(), "a_to_z": a_to_z, "letters": letters},
    )


def therapy_list(request):
    filterset = TherapyFilter(request.GET)
    # A result shows its stored title and summary: the documents are never read.
    results = filterset.qs.only("kind", "slug", "title", "result_title", "result_summary")
    paginator = Paginator(results, settings.THERAPIES_PER_PAGE)
    requested = request.GET.get("page", "1")
    page_problem = ""
    try:
        page_obj = paginator.page(requested)
    except PageNotAnInteger:
        page_obj = paginator.page(1)
        page_problem = f"“{requested[:60]}” is not a page number, so we show the first page."
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
        page_problem = (
            f"There is no page {requested[:60]}, so we show page {paginator.num_pages}, the last."
        )
    found = filterset.found
    response = render(
        request,
        "therapies/therapy_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "page_problem": page_problem,
            "found": found,
            "suggestion_query": _with_words(request, found.suggestion) if found else "",
        },
    )
    if found and not paginator.count and filterset.words_only:
        response.unanswered_search = found.query.key
    return response


def _with_words(request, words: str) -> str:
    """This address's query, searching for `words` instead: a "Did you mean" link."""
    if not words:
        return ""
    query = request.GET.copy()
    query["q"] = words
    query.pop("page", None)
    return query.urlencode()


# The kinds of page a search lists, in the order it lists them, with their headings.
RESULT_GROUPS = [
    (PageKind.THERAPY, "Drugs"),
    (PageKind.SIDE_EFFECT, "Side effects"),
    (PageKind.TOPIC, "Guides"),
    (PageKind.GLOSSARY_TERM, "Medical words explained"),
    (PageKind.INFORMATION, "About this site"),
]


def site_search(request):
    """One search over every published page, results grouped by what kind of page they are."""
    found = search.find(PublishedPage.objects.all(), request.GET.get("q", ""))
    counts = (
        search.by_kind(found.pages, settings.SEARCH_RESULTS_PER_GROUP) if found.query.key else {}
    )
    groups = [
        {"kind": kind, "heading": heading, "count": counts[kind][0], "pages": counts[kind][1]}
        for kind, heading in RESULT_GROUPS
        if kind in counts
    ]
    response = render(
        request,
        "therapies/search.html",
        {
            "found": found,
            "groups": groups,
            "total": sum(group["count"] for group in groups),
            "suggestion_query": _with_words(request, found.suggestion),
        },
    )
    if found.query.key and not groups:
        response.unanswered_search = found.query.key
    return response


def published_side_effects(therapies) -> set[str]:
    """Which of these therapies' side effects have a published page to link to."""
    slugs = {effect["slug"] for page in therapies for effect in page.document["side_effects"]}
    return set(
        PublishedPage.objects.side_effects().filter(slug__in=slugs).values_list("slug", flat=True)
    )


class PublishedPageView(DetailView):
    """A published page of one kind, found by its slug, with its review record.

    A withdrawn page answers 410 Gone, saying why, instead of a plain 404.
    """

    kind: str
    context_object_name = "page"

    def get_queryset(self):
        return PublishedPage.objects.filter(kind=self.kind).with_review()

    def get_context_data(self, **kwargs):
        return super().get_context_data(glossary=Glossary.published(), **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            withdrawn = WithdrawnPage.objects.filter(kind=self.kind, slug=kwargs["slug"]).first()
            if withdrawn is None:
                raise
            topics = list(PublishedPage.objects.topics())
            # Point readers to the guides that presented it, or else to every guide.
            presenting = [
                topic
                for topic in topics
                if any(withdrawn.object_id in s["therapies"] for s in topic.document["sections"])
            ]
            return render(
                request,
                "therapies/withdrawn.html",
                {"withdrawn": withdrawn, "topics": presenting or topics},
                status=410,
            )


class TopicDetailView(PublishedPageView):
    kind = PageKind.TOPIC
    template_name = "therapies/topic_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = self.object.document["sections"]
        ids = {object_id for section in sections for object_id in section["therapies"]}
        # A therapy that is not published (yet, or any more) is left out of the topic.
        published = {
            page.object_id: page
            for page in PublishedPage.objects.therapies().filter(object_id__in=ids)
        }
        shown = [
            {
                **section,
                "therapies": [published[i] for i in section["therapies"] if i in published],
            }
            for section in sections
        ]
        # A heading with nothing under it (its text only a promise not printed, its drugs not
        # published) promises what the page does not give: it is left out with its section.
        context["sections"] = [
            section
            for section in shown
            if section["therapies"] or rich_text.render(section["body"])
        ]
        context["published_side_effects"] = published_side_effects(published.values())
        return context


class TherapyDetailView(PublishedPageView):
    kind = PageKind.THERAPY
    template_name = "therapies/therapy_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["published_side_effects"] = published_side_effects([self.object])
        context["guides"] = navigation.guides_presenting(self.object.object_id)
        return context


class SideEffectDetailView(PublishedPageView):
    kind = PageKind.SIDE_EFFECT
    template_name = "therapies/side_effect_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["therapies"] = PublishedPage.objects.causing(self.object.slug)
        return context


class InformationPageView(PublishedPageView):
    """A page about the site itself: about us, contact, privacy, cookies, accessibility."""

    kind = PageKind.INFORMATION
    template_name = "therapies/information_page.html"


def glossary(request):
    return _glossary_page(request, list(PublishedPage.objects.glossary_terms().with_review()))


def _glossary_page(request, terms: list[PublishedPage]):
    # The glossary is only as fresh as its stalest entry: show the review due soonest.
    reviews = [term.review for term in terms if term.review]
    references = {}
    for term in terms:
        for reference in term.document["references"]:
            references.setdefault((reference["authors"], reference["title"]), reference)
    review = min(reviews, key=lambda review: review.next_review_due, default=None)
    references = list(references.values())
    approvals = _approvals(terms)
    # One name for the whole page only where that one person gave every entry its latest
    # final approval; otherwise each approver with the entries they approved.
    approver = approvals[0]["approver"] if len(approvals) == 1 else None
    if approver and len(approvals[0]["terms"]) < len(terms):
        approver = None  # an entry nobody has approved (in a preview): named by no one
    description = jsonld.glossary(
        terms,
        request.build_absolute_uri(request.path),
        review,
        references,
        [approval["approver"] for approval in approvals],
    )
    return render(
        request,
        "therapies/glossary.html",
        {
            "terms": terms,
            "review": review,
            "references": references,
            "approver": approver,
            "approvals": [] if approver else approvals,
            "jsonld": jsonld.script(description),
        },
    )


def _approvals(terms: list[PublishedPage]) -> list[dict]:
    """Who gave each entry its latest final approval (of its publication, or of a review that
    found it needed no change), each approver once with their entries: the approver of the
    most recently published entry first."""
    approvals: dict[tuple, dict] = {}
    for term in sorted(terms, key=lambda term: term.published_at, reverse=True):
        approver = term.approved_by or (term.review.approved_by if term.review else None)
        if approver is not None:
            # One person as readers see them: a new snapshot (a declaration confirmed since)
            # is not a second approver.
            seen = (approver.editorial_role, approver.name, approver.job_title)
            approval = approvals.setdefault(seen, {"approver": approver, "terms": []})
            approval["terms"].append(term)
    for approval in approvals.values():
        approval["terms"].sort(key=lambda term: term.sort_name)
    return list(approvals.values())


DETAIL_VIEWS = {
    PageKind.TOPIC: TopicDetailView,
    PageKind.THERAPY: TherapyDetailView,
    PageKind.SIDE_EFFECT: SideEffectDetailView,
    PageKind.INFORMATION: InformationPageView,
}


def render_page(request, page: PublishedPage):
    """`page` as readers meet it, through its own view's context and template: a published
    page, or one built but not saved (a preview of what approving a change would publish)."""
    if page.kind == PageKind.GLOSSARY_TERM:
        # A term is read on the glossary page, among the others as they are published.
        others = PublishedPage.objects.glossary_terms().exclude(object_id=page.object_id)
        terms = sorted([*others.with_review(), page], key=lambda term: term.sort_name)
        return _glossary_page(request, terms)
    view = DETAIL_VIEWS[page.kind]()
    view.setup(request, slug=page.slug)
    view.object = page
    return render(request, view.template_name, view.get_context_data(object=page))


@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, kind, slug):
    page = get_object_or_404(
        PublishedPage.objects.exclude(kind=PageKind.GLOSSARY_TERM), kind=kind, slug=slug
    )
    if request.method != "POST":
        # The reader's Yes or No from the page, ready to send with a comment if they wish.
        answer = request.GET.get("helpful")
        form = FeedbackForm(initial={"helpful": answer if answer in ("yes", "no") else None})
        return render(request, "therapies/feedback.html", {"page": page, "form": form})
    form = FeedbackForm(request.POST)
    allowed = allow(
        request,
        action="feedback",
        limit=settings.FEEDBACK_LIMIT,
        window_seconds=settings.FEEDBACK_WINDOW_SECONDS,
    )
    if not allowed or not form.is_valid():
        # Shown again with what the reader typed, and why it was not sent.
        context = {"page": page, "form": form, "refused": True, "limited": not allowed}
        return render(
            request, "therapies/feedback.html", context, status=429 if not allowed else 400
        )
    Feedback.objects.create(
        kind=page.kind,
        object_id=page.object_id,
        page_title=page.title,
        revision_id=page.revision_id,
        helpful=form.cleaned_data["helpful"],
        comment=form.cleaned_data["comment"].strip(),
    )
    return redirect(
        f"{reverse('therapies:feedback_thanks')}?{urlencode({'from': page.get_absolute_url()})}"
    )


def feedback_thanks(request):
    back = request.GET.get("from", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("therapies:home")
    return render(request, "therapies/feedback_thanks.html", {"back": back})
