"""The assessor's pack: for every published page, its current production record as one HTML
file and as a PDF, an index of them all as CSV, and a summary of what the records show against
the PIF TICK's ten criteria.

The pack is written as it is made (a ZIP streamed a page at a time), so it takes the same memory
for ten pages as for ten thousand. Making a PDF is the slow part: each record's PDF is kept,
named by a fingerprint of its HTML, and made again only when the record has changed.
"""

import csv
import dataclasses
import hashlib
import io
import logging
import multiprocessing
import os
import re
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from functools import cache, partial
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.db import connections
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from reviews.models import EditorialRole, PageReview, Publication, ReviewPolicy, SignOff
from reviews.production import page_as_published, production_record
from reviews.services import published_page_of
from reviews.spreadsheets import safe_cell
from therapies.models import (
    PAGE_MODELS,
    Feedback,
    PublishedPage,
    ReadingLevel,
    UnansweredSearch,
)

INDEX_COLUMNS = [
    "page",
    "type",
    "address",
    "revision",
    "published",
    "approved by",
    "sign-off roles",
    "last reviewed",
    "next review due",
    "overdue days",
    "SMOG grade",
    "sources",
    "sources checked",
    "feedback helpful",
    "feedback not helpful",
    "record",
    "PDF",
]


@cache
def _styles() -> dict:
    """The public site's styles and the record's own, read once: a record carries them, so the
    file reads the same wherever it is opened."""

    def read(name):
        with open(finders.find(name), encoding="utf-8") as file:
            return mark_safe(file.read())  # our own stylesheets, written into <style>

    return {name: read(f"css/{name}.css") for name in ("site", "print", "record")}


class _SiteRequest(HttpRequest):
    """A reader's request for a page of the site at SITE_URL: what a record is rendered with
    away from a browser (the pack's command)."""

    def __init__(self):
        super().__init__()
        address = urlsplit(settings.SITE_URL)
        self.method = "GET"
        self.path = self.path_info = "/"
        self.META = {"HTTP_HOST": address.netloc, "SERVER_NAME": address.hostname or ""}
        self.user = AnonymousUser()
        self._scheme = address.scheme or "http"

    def _get_scheme(self):
        return self._scheme


def site_request() -> HttpRequest:
    return _SiteRequest()


def record_context(publication: Publication, default_cycle_months: int | None = None) -> dict:
    """What a record shows, on screen or on paper. `default_cycle_months`: the review policy's,
    read once for a whole pack (else read here)."""
    if default_cycle_months is None:
        default_cycle_months = ReviewPolicy.current().default_cycle_months
    return {
        **production_record(publication),
        "title": f"Production record: {publication.object_repr}",
        "site_address": settings.SITE_URL.rstrip("/"),
        "smog_limit": settings.READABILITY_SMOG_LIMIT,
        "default_cycle_months": default_cycle_months,
    }


def record_html(publication: Publication, context: dict | None = None) -> str:
    """The record as one HTML file: its header, the page as readers saw it (rendered for a
    reader, whoever asks), the evidence."""
    context = context or record_context(publication)
    request = site_request()
    # The public templates' output.
    page = mark_safe(page_as_published(publication, request, context["page_review"]))
    return render_to_string(
        "reviews/production_record.html",
        {**context, "page_html": page, "styles": _styles()},
        request,
    )


# The record's own <style> elements, which the PDF is drawn without (see `record_document`).
_STYLE_ELEMENTS = re.compile(r"<style\b[^>]*>.*?</style>", re.S)
# WeasyPrint's fonts (a Pango font map) are shared by a process's drawings and are not safe
# to use from two threads at once (the development server's, a record drawn after approval).
_drawing = threading.Lock()
logger = logging.getLogger(__name__)


def _fetch_nothing():
    from weasyprint.urls import URLFetcher

    # Everything the record shows is in its HTML: nothing is fetched from anywhere.
    return URLFetcher(allowed_protocols=["data"])


@cache
def pdf_styles() -> tuple:
    """WeasyPrint's fonts and the record's styles as it reads them, parsed once in a process
    rather than once a record (a fifth of the time a PDF took). The PDF is drawn for print, so
    the print styles apply whole, as in the file's <style media="print">. Used under
    `_drawing`."""
    # WeasyPrint is imported only when a PDF is made: it is large, and nothing else needs it.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, [
        CSS(string=css, font_config=fonts, url_fetcher=_fetch_nothing())
        for css in _styles().values()
    ]


def record_document(html: str):
    """The record's HTML laid out on A4 by WeasyPrint, as its PDF is drawn (under `_drawing`,
    or in a process of one thread)."""
    from weasyprint import HTML

    head, end, body = html.partition("</head>")
    fonts, stylesheets = pdf_styles()
    document = HTML(
        string=f"{_STYLE_ELEMENTS.sub('', head)}{end}{body}",
        base_url=settings.SITE_URL,
        url_fetcher=_fetch_nothing(),
    )
    return document.render(stylesheets=stylesheets, font_config=fonts)


def _pdf_of(html: str) -> bytes:
    with _drawing:
        return record_document(html).write_pdf()


def record_pdf(html: str) -> bytes:
    """The PDF of a record's HTML, made once for each version of the record."""
    folder = Path(settings.RECORD_PDF_DIR)
    kept = folder / f"{hashlib.sha256(html.encode()).hexdigest()}.pdf"
    if kept.exists():
        kept.touch()  # still in use: kept when the pack clears out old ones
        return kept.read_bytes()
    pdf = _pdf_of(html)
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside, then moved into place: another process never reads half a file. Readable
    # by all, as the web server and the pack's command may run as different users.
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
        part.write(pdf)
    os.chmod(part.name, 0o644)
    os.replace(part.name, kept)
    return pdf


def current_publication_of(item) -> Publication | None:
    """The publication of `item` that readers see now, if they see one: for one page, what
    `current_publications` finds for them all."""
    shown = published_page_of(item)
    if shown is None:
        return None
    return (
        Publication.objects.for_item(item)
        .filter(revision_id=shown.revision_id)
        .order_by("-published_at", "-pk")
        .first()
    )


def draw_record_pdf(item) -> None:
    """Draw the PDF of `item`'s current record, which a final approval has just changed (it
    published it, or confirmed it in a review): the pack then finds it made, and draws only
    records changed since (feedback, a review date passed). A record that cannot be drawn is
    logged by name; the pack tries it again."""
    publication = current_publication_of(item)
    if publication is None:
        return
    try:
        record_pdf(record_html(publication))
    except Exception:
        logger.exception(
            "The production record of %s (publication %s) could not be drawn as a PDF.",
            publication.object_repr,
            publication.pk,
        )


def draw_record_pdf_soon(item) -> None:
    """`draw_record_pdf` in a thread of its own, so nobody waits for it: a record grows with
    its page's history, and a long one takes seconds to draw."""

    def draw():
        try:
            draw_record_pdf(item)
        finally:
            connections.close_all()  # this thread's own

    threading.Thread(target=draw, name=f"record-pdf-{item.page_kind}-{item.pk}").start()


def forget_pdfs_unused_since(started: float) -> int:
    """After a whole pack: remove the kept PDFs no record used (records that have changed since
    they were made). Returns how many."""
    unused = [
        kept
        for kept in Path(settings.RECORD_PDF_DIR).glob("*.pdf")
        if kept.stat().st_mtime < started
    ]
    for kept in unused:
        kept.unlink(missing_ok=True)
    return len(unused)


@dataclasses.dataclass
class Entry:
    """One page's part of the pack."""

    name: str
    html: str
    pdf: bytes | None  # None: it could not be drawn (the index says why)
    row: list


def current_publications() -> list[int]:
    """The publication of each page that readers see now (its id), page by page in a fixed
    order."""
    content_types = {
        kind: ContentType.objects.get_for_model(model).pk for kind, model in PAGE_MODELS.items()
    }
    latest = {
        (content_type, object_id, revision): pk
        for pk, content_type, object_id, revision in Publication.objects.order_by(
            "published_at", "pk"
        ).values_list("pk", "content_type", "object_id", "revision")
    }
    return [
        latest[found]
        for kind, object_id, revision in PublishedPage.objects.order_by(
            "kind", "sort_name", "pk"
        ).values_list("kind", "object_id", "revision")
        if (found := (content_types[kind], object_id, revision)) in latest
    ]


def _entry_of_publication(pk: int, default_cycle_months: int) -> "Entry":
    publication = Publication.objects.select_related(
        "approved_by", "published_by", "review_request", "revision"
    ).get(pk=pk)
    return entry_of(publication, default_cycle_months)


def entries(publications: list[int], *, workers: int = 1) -> Iterator["Entry"]:
    """Each publication's part of the pack, in order; made by `workers` processes at once (the
    command's; a web request makes them itself)."""
    made = partial(
        _entry_of_publication, default_cycle_months=ReviewPolicy.current().default_cycle_months
    )
    if workers <= 1:
        yield from map(made, publications)
        return
    # Each process opens its own connection: none may share the one open here.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(made, publications, chunksize=4)


def entry_of(publication: Publication, default_cycle_months: int | None = None) -> Entry:
    context = record_context(publication, default_cycle_months)
    html = record_html(publication, context)
    slug = publication.snapshot.get("slug") or publication.object_id
    name = f"{context['kind'].replace(' ', '-')}-{slug}"
    review = context["page_review"]
    sign_offs = [s for entry in context["requests"] for s in entry["sign_offs"]]
    sources = context["sources"]
    row = [
        publication.object_repr,
        context["kind"],
        f"{context['site_address']}{context['address']}",
        context["revision_number"],
        publication.published_at.date().isoformat(),
        publication.approved_by.name if publication.approved_by else "",
        "; ".join(
            dict.fromkeys(
                s.get_role_display() for s in sign_offs if s.decision == SignOff.Decision.APPROVED
            )
        ),
        review.reviewed_on.isoformat() if review else "",
        review.next_review_due.isoformat() if review else "",
        context["overdue_days"] or 0,
        context["readability"].get("smog", ""),
        len(sources),
        sum(1 for source in sources if source["check"]),
        context["feedback"]["helpful"],
        context["feedback"]["not_helpful"],
        f"records/{name}.html",
    ]
    try:
        pdf = record_pdf(html)
    except Exception as error:
        # One record WeasyPrint cannot draw (text nested deeper than it follows, say) must not
        # cost the assessor the whole pack: its HTML holds the same record, and the index and
        # the command say which PDF is missing.
        logger.exception("The production record of %s could not be drawn as a PDF.", name)
        return Entry(name=name, html=html, pdf=None, row=[*row, f"not drawn ({error!r:.200})"])
    return Entry(name=name, html=html, pdf=pdf, row=[*row, f"records/{name}.pdf"])


def summary() -> dict:
    """What the records show, counted for the whole site, against each PIF TICK criterion."""
    today = timezone.localdate()
    published = PublishedPage.objects.count()
    publications = Publication.objects.aggregate(
        reviewed=Count("pk", filter=Q(review_request__isnull=False)),
        imported=Count("pk", filter=Q(review_request__isnull=True)),
    )
    lay = SignOff.objects.filter(
        role=EditorialRole.LAY_REVIEWER, decision=SignOff.Decision.APPROVED
    ).count()
    feedback = Feedback.objects.aggregate(
        found_helpful=Count("pk", filter=Q(helpful=True)),
        not_helpful=Count("pk", filter=Q(helpful=False)),
    )
    counts = {
        "published": published,
        **publications,
        "lay_sign_offs": lay,
        # As the dashboard counts them: only a page readers can see has a review to do.
        "overdue": PageReview.objects.with_review_status(today)
        .in_review_status(PageReview.Status.OVERDUE)
        .count(),
        "hard_to_read": ReadingLevel.objects.filter(
            smog__gt=settings.READABILITY_SMOG_LIMIT
        ).count(),
        "smog_limit": settings.READABILITY_SMOG_LIMIT,
        "unanswered_searches": UnansweredSearch.objects.count(),
        **feedback,
    }
    return {"counts": counts, "criteria": criteria(counts), "made_on": today}


def criteria(counts: dict) -> list[dict]:
    """The ten PIF TICK criteria (2022 update), what this system shows for each, and what the
    organisation shows from its own papers."""
    shown, partly, own = "Shown by the records", "Partly shown", "The organisation's own papers"
    return [
        {
            "number": 1,
            "name": "Systems: a consistent, documented process",
            "status": shown,
            "system": f"Every page's record: each revision, who wrote it, sign-offs by role bound "
            f"to the exact revision (content fingerprint), final approval and the audit trail. "
            f"{counts['reviewed']} publications went through the full review here; "
            f"{counts['imported']} were imported as approved content.",
            "organisation": "The written production process this workflow follows.",
        },
        {
            "number": 2,
            "name": "Training: staff are trained and supported",
            "status": own,
            "system": "Reviewers' names, job titles, credentials and declarations of interests, "
            "as they were at each sign-off.",
            "organisation": "Training records and the induction of editors and reviewers.",
        },
        {
            "number": 3,
            "name": "Need: resources meet a genuine need",
            "status": partly,
            "system": f"Searches that found nothing ({counts['unanswered_searches']} kept, on the "
            f"editors' dashboard) and reader feedback.",
            "organisation": "How topics are chosen, and the needs assessment behind them.",
        },
        {
            "number": 4,
            "name": "Evidence: reliable, up-to-date evidence, communicated clearly",
            "status": shown,
            "system": f"Each page's sources with when and by whom each was last checked; review "
            f"dates on every page; {counts['overdue']} page review(s) overdue today.",
            "organisation": "The evidence policy (which sources count, and how they are chosen).",
        },
        {
            "number": 5,
            "name": "Involving users: users help develop information",
            "status": partly,
            "system": f"A lay reviewer signs every change and review ({counts['lay_sign_offs']} "
            f"lay approvals recorded).",
            "organisation": "How lay reviewers are recruited, supported and paid for their time.",
        },
        {
            "number": 6,
            "name": "Health inequalities: literacy, language and accessibility needs",
            "status": partly,
            "system": f"Reading measures kept with each publication (SMOG, Flesch, long "
            f"sentences, unexplained medical words); {counts['hard_to_read']} page(s) above "
            f"the SMOG limit of {counts['smog_limit']}; medical words explained in a glossary; "
            f"pages tested against WCAG 2.2 AA.",
            "organisation": "Formats and languages offered, and the accessibility statement.",
        },
        {
            "number": 7,
            "name": "Content and design: clear, easy to access and navigate",
            "status": partly,
            "system": "Each record shows the page as readers saw it, with its review dates, "
            "sources and who approved it.",
            "organisation": "The style guide and design standards.",
        },
        {
            "number": 8,
            "name": "Feedback: users can give feedback",
            "status": shown,
            "system": f"A feedback question on every page, kept against the version read: "
            f"{counts['found_helpful']} helpful, {counts['not_helpful']} not helpful.",
            "organisation": "How feedback is answered and acted on.",
        },
        {
            "number": 9,
            "name": "Promotion: information reaches those who need it",
            "status": own,
            "system": "Not recorded here.",
            "organisation": "The promotion plan and where the information is shared.",
        },
        {
            "number": 10,
            "name": "Impact: the impact of information is measured",
            "status": partly,
            "system": "Feedback counts for each page and version, and searches that found nothing.",
            "organisation": "Impact measures and the reports made of them.",
        },
    ]


class _Stream(io.RawIOBase):
    """What the ZIP writer writes, handed on in pieces: it never holds the whole pack."""

    def __init__(self):
        self.pieces: list[bytes] = []

    def writable(self):
        return True

    def write(self, data):
        self.pieces.append(bytes(data))
        return len(data)

    def take(self) -> Iterator[bytes]:
        pieces, self.pieces = self.pieces, []
        yield from pieces


def pack(made: Iterator[Entry], *, done: Callable[[Entry], None] | None = None) -> Iterator[bytes]:
    """The pack of the pages `made` (see `entries`) as a ZIP, piece by piece. `done` is told of
    each page as it is added."""
    stream = _Stream()
    pages = 0
    with (
        tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", newline="") as index,
        zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        rows = csv.writer(index)
        rows.writerow(INDEX_COLUMNS)
        for entry in made:
            archive.writestr(f"records/{entry.name}.html", entry.html)
            if entry.pdf is not None:
                archive.writestr(f"records/{entry.name}.pdf", entry.pdf)
            rows.writerow([safe_cell(value) for value in entry.row])
            pages += 1
            if done:
                done(entry)
            yield from stream.take()
        index.seek(0)
        listed = zipfile.ZipInfo("index.csv", time.localtime()[:6])
        listed.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(listed, "w") as out:
            # Excel reads UTF-8 as such only with the byte-order mark.
            out.write("\ufeff".encode())
            for line in iter(lambda: index.read(1 << 16), ""):
                out.write(line.encode())
        context = {**summary(), "pages": pages, "columns": INDEX_COLUMNS}
        archive.writestr("summary.html", render_to_string("reviews/evidence_summary.html", context))
    yield from stream.take()
