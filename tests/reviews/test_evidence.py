"""The assessor's pack: production records that show the page as readers saw it with its
evidence under one clear header, as HTML and PDF; the pack of every published page's record;
the public "accessed" date following the latest source check; reading measures kept with each
publication."""

import csv
import datetime
import io
import os
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from reviews import evidence
from reviews.models import Publication, ReviewRequest
from reviews.spreadsheets import safe_cell
from tests.admin_forms import open_form, post_form
from tests.records import drawings_done
from tests.reviews.test_review_cycles import check_all_sources
from tests.reviews.test_workflow import (
    SIGNERS,
    approve_all,
    decide,
    edit_summary,
    reader_sees,
    submit,
)
from therapies.models import PublishedPage, Reference, Therapy
from therapies.publishing import withdraw

THIS_MONTH = timezone.localdate().strftime("%B %Y")


@pytest.fixture(autouse=True)
def pdfs_kept_apart(settings, tmp_path):
    settings.RECORD_PDF_DIR = tmp_path / "record-pdfs"


def confirm_with_sources_checked(as_user, therapy):
    """A review of `therapy` with no change needed, every source checked, approved by all."""
    as_user("editor").post(
        f"/admin/therapies/therapy/{therapy.pk}/confirm-review/", {"summary": "Still right."}
    )
    request = ReviewRequest.objects.get(no_change=True)
    check_all_sources(as_user, request)
    for who, role in SIGNERS:
        assert decide(as_user, request, who, role).status_code == 302


@pytest.fixture
def reviewed(imatinib, as_user):
    """imatinib changed and published, then reviewed again with no change needed and its
    sources checked: a record with two reviews. Returns its publication."""
    edit_summary(as_user, imatinib, "Imatinib blocks a signal that makes cancer cells grow.")
    approve_all(as_user, submit(as_user, imatinib))
    confirm_with_sources_checked(as_user, imatinib)
    return Publication.objects.for_item(imatinib).latest("published_at")


def record_of(as_user, publication, who="senior", **query):
    url = f"/admin/reviews/publication/{publication.pk}/record/"
    return as_user(who).get(url, query)


def test_the_record_shows_the_page_as_readers_saw_it_not_a_field_dump(reviewed, as_user):
    record = record_of(as_user, reviewed, format="html").text
    # The public template's page: its heading, its safety box, its review line.
    assert "Imatinib (Glivec®)</h1>" in record
    assert "If you need help urgently" in record
    assert "Imatinib blocks a signal that makes cancer cells grow." in record
    assert "Drug class" not in record and "roles 1" not in record
    # Never the reader's feedback form: the record is not a page to answer.
    assert "<form" not in record


def test_the_record_has_one_header_naming_the_final_approver_once(reviewed, as_user):
    record = record_of(as_user, reviewed, format="html").text
    header = record.split('<header class="record-header">')[1].split("</header>")[0]
    for label in ["Page", "Revision", "Published on", "Approved by", "Next review due"]:
        assert f"<dt>{label}</dt>" in header
    assert (
        header.count("Dr Senior, Consultant") == 2
    )  # the publication's approval, then the review's
    assert "<dt>Reviewed again</dt>" in header and "no change needed" in header
    # The review's sign-offs sit under their own heading, apart from the publication's.
    assert ": no change needed</h2>" in record
    assert "Sign-offs: change, sent" in record


def test_each_source_is_listed_once_with_its_latest_check(reviewed, as_user):
    record = record_of(as_user, reviewed, format="html").text
    sources = record.split('id="sources"')[1].split("</table>")[0]
    assert sources.count("Gronchi A, Miah AB et al.") == 1
    assert sources.count("checked: still supports the page") == 2
    assert f"{timezone.localdate():%-d %B %Y}, Editor: checked" in sources


def test_the_public_accessed_date_follows_the_latest_source_check(reviewed, client):
    page = client.get("/therapies/imatinib/").text
    assert f"[accessed {THIS_MONTH}]" in page
    assert "[accessed May 2022]" not in page


def test_a_page_signed_off_before_a_shared_source_was_checked_says_it_was_checked(
    imatinib, as_user, client
):
    sunitinib = Therapy.objects.get(generic_name="sunitinib")
    edit_summary(as_user, sunitinib, "Sunitinib is a capsule.")
    waiting = submit(as_user, sunitinib)  # its snapshot says its sources were read in May 2022
    confirm_with_sources_checked(as_user, imatinib)  # checks the sources both pages cite
    assert f"[accessed {THIS_MONTH}]" in client.get("/therapies/sunitinib/").text
    approve_all(as_user, waiting)
    page = reader_sees(client, "/therapies/sunitinib/")
    assert "Sunitinib is a capsule." in page
    assert f"[accessed {THIS_MONTH}]" in page and "[accessed May 2022]" not in page


def test_a_source_checked_in_a_review_that_ended_unapproved_keeps_its_date(imatinib, as_user):
    as_user("editor").post(
        f"/admin/therapies/therapy/{imatinib.pk}/confirm-review/", {"summary": "Still right."}
    )
    request = ReviewRequest.objects.get(no_change=True)
    check_all_sources(as_user, request)
    decide(as_user, request, "clinical", "clinical_reviewer", "changes_requested", "Old data.")
    page = PublishedPage.objects.get(kind="therapy", object_id=imatinib.pk)
    assert {ref["accessed"] for ref in page.document["references"]} == {"May 2022"}


def test_reading_measures_are_kept_with_each_publication(reviewed, as_user):
    publication = Publication.objects.exclude(review_request=None).get(object_id=reviewed.object_id)
    figures = publication.readability
    assert figures["smog"] > 0 and figures["words"] > 50
    assert {"flesch_reading_ease", "long_sentences", "unexplained_words"} <= set(figures)
    record = record_of(as_user, publication).text
    assert f"SMOG grade {figures['smog']}" in record


def test_the_record_counts_feedback_on_its_own_version(imatinib, as_user, client):
    edit_summary(as_user, imatinib, "Explains GIST.")
    approve_all(as_user, submit(as_user, imatinib))
    client.post("/feedback/therapy/imatinib/", {"helpful": "yes"})
    client.post("/feedback/therapy/imatinib/", {"helpful": "no", "comment": "More on doses."})
    publication = Publication.objects.for_item(imatinib).latest("published_at")
    record = record_of(as_user, publication).text
    assert "On this version: 1 found it helpful, 1 did not." in record
    assert "not helpful: “More on doses.”" in record


def test_a_seeded_drug_s_record_is_a_pdf_of_at_most_three_a4_pages(reviewed, as_user):
    response = record_of(as_user, reviewed, format="pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    document = evidence.record_document(evidence.record_html(reviewed))
    assert len(document.pages) <= 3
    assert all(round(page.width) == 794 for page in document.pages)  # A4 is 210 mm wide
    pdf = PdfReader(io.BytesIO(response.content))
    printed = " ".join(page.extract_text() for page in pdf.pages)
    # The fingerprint is printed whole (it may wrap), and the page as readers saw it with it.
    assert reviewed.review_request.content_hash in "".join(printed.split())
    assert "Imatinib blocks a signal" in printed


def test_only_senior_medical_editors_and_administrators_get_the_evidence(
    seed, as_user, client, superuser
):
    for who in ["senior", "boss"]:
        assert as_user(who).get("/admin/reviews/evidence/").status_code == 200, who
    for who in ["editor", "clinical", "lay"]:
        assert as_user(who).get("/admin/reviews/evidence/").status_code == 403, who
        assert as_user(who).get("/admin/reviews/evidence/pack.zip").status_code == 403, who
    client.logout()
    assert client.get("/admin/reviews/evidence/").status_code == 302  # to the login


def test_the_summary_counts_as_overdue_only_pages_readers_can_see(seed):
    overdue = evidence.summary()["counts"]["overdue"]
    assert overdue == PublishedPage.objects.count()  # every seeded page is past its date
    withdraw(PublishedPage.objects.get(kind="therapy", slug="imatinib"), reason="Out of date.")
    assert evidence.summary()["counts"]["overdue"] == overdue - 1


def test_the_evidence_page_maps_the_ten_criteria(seed, as_user):
    page = as_user("senior").get("/admin/reviews/evidence/").text
    for number in range(1, 11):
        assert f'<th scope="row">{number}. ' in page
    assert "The organisation&#x27;s own papers" in page


@pytest.fixture
def quick_pdfs(monkeypatch):
    """The pack's tests are of the ZIP, not of drawing PDFs (the test above draws one): a
    record's PDF here is a marked copy of its HTML, so each page's pair can be matched."""
    monkeypatch.setattr(evidence, "_pdf_of", lambda html: b"%PDF-" + html[:60].encode())


def test_the_pack_holds_every_published_page_s_record_an_index_and_a_summary(
    seed, tmp_path, quick_pdfs, settings
):
    settings.RECORD_PDF_DIR.mkdir(parents=True)
    old = settings.RECORD_PDF_DIR / "of-a-record-that-has-changed.pdf"
    old.write_bytes(b"%PDF-")
    os.utime(old, (0, 0))
    out = tmp_path / "pack.zip"
    err = io.StringIO()
    call_command("evidence_pack", str(out), "--workers", "1", stderr=err, stdout=io.StringIO())
    published = PublishedPage.objects.count()
    with zipfile.ZipFile(out) as pack:
        names = pack.namelist()
        assert sum(name.endswith(".html") for name in names if name.startswith("records/")) == (
            published
        )
        assert sum(name.endswith(".pdf") for name in names) == published
        assert "records/therapy-imatinib.pdf" in names
        rows = list(csv.DictReader(io.StringIO(pack.read("index.csv").decode("utf-8-sig"))))
        summary = pack.read("summary.html").decode()
    assert len(rows) == published
    imatinib = next(row for row in rows if row["page"] == "imatinib")
    assert imatinib["type"] == "therapy"
    assert imatinib["address"].endswith("/therapies/imatinib/")
    assert imatinib["approved by"] == "Fiona Cowie"
    assert int(imatinib["overdue days"]) > 0  # the seed's reviews are overdue
    assert imatinib["sources"] == "2" and imatinib["sources checked"] == "0"
    assert float(imatinib["SMOG grade"]) > 0
    assert "10. Impact" in summary
    assert "Records: 100%" in err.getvalue()  # the progress bar
    assert not old.exists()  # a whole pack clears out the PDFs of records that changed
    assert len(list(settings.RECORD_PDF_DIR.glob("*.pdf"))) == published


def test_the_pack_is_written_as_it_is_made(seed, quick_pdfs):
    """Constant memory: the first pieces of the ZIP leave before the second page is made."""
    drawn = []

    def made():
        for pk in evidence.current_publications():
            drawn.append(pk)
            yield evidence.entry_of(Publication.objects.get(pk=pk))

    pieces = evidence.pack(made())
    first = next(pieces)
    assert first.startswith(b"PK") and len(drawn) == 1
    rest = b"".join(pieces)
    assert len(drawn) == PublishedPage.objects.count()
    assert zipfile.ZipFile(io.BytesIO(first + rest)).testzip() is None


def test_the_admin_streams_the_same_pack(seed, as_user, quick_pdfs):
    response = as_user("senior").get("/admin/reviews/evidence/pack.zip")
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    pack = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "index.csv" in pack.namelist() and "summary.html" in pack.namelist()


def test_a_pdf_is_made_again_only_when_its_record_changed(seed, monkeypatch):
    made = []
    monkeypatch.setattr(evidence, "_pdf_of", lambda html: made.append(html) or b"%PDF-1.7")
    publication = Publication.objects.for_item(Therapy.objects.get(generic_name="imatinib")).get()
    evidence.entry_of(publication)
    evidence.entry_of(publication)
    assert len(made) == 1
    Publication.objects.filter(pk=publication.pk).update(summary="Said otherwise.")
    publication.refresh_from_db()
    evidence.entry_of(publication)
    assert len(made) == 2


# The PDF is drawn in a thread of its own, which reads only what has been committed.
@pytest.mark.django_db(transaction=True)
def test_a_final_approval_draws_its_record_s_pdf_so_the_pack_draws_none(
    imatinib, as_user, monkeypatch, settings
):
    def kept():
        return {pdf.name: pdf.read_bytes() for pdf in settings.RECORD_PDF_DIR.glob("*.pdf")}

    edit_summary(as_user, imatinib, "Imatinib blocks a signal that makes cancer cells grow.")
    approve_all(as_user, submit(as_user, imatinib))
    drawings_done()
    published = kept()
    assert len(published) == 1 and next(iter(published.values())).startswith(b"%PDF")
    # A review that confirmed the page changes its record: drawn again at its final approval.
    confirm_with_sources_checked(as_user, imatinib)
    drawings_done()
    [confirmed] = kept().keys() - published.keys()

    def draw_again(html):
        raise AssertionError("the pack drew a record that the final approval had drawn")

    monkeypatch.setattr(evidence, "_pdf_of", draw_again)
    entry = evidence.entry_of(Publication.objects.for_item(imatinib).latest("published_at"))
    assert entry.pdf == kept()[confirmed]


def test_a_record_that_cannot_be_drawn_is_logged_by_name(seed, monkeypatch, caplog):
    def broken(html):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(evidence, "_pdf_of", broken)
    evidence.draw_record_pdf(Therapy.objects.get(generic_name="imatinib"))  # never raises
    assert "The production record of imatinib (publication" in caplog.text


def test_a_pack_with_a_record_that_cannot_be_drawn_holds_the_rest_and_says_which(
    seed, tmp_path, monkeypatch
):
    def drawn(html):
        if "<title>Production record: imatinib</title>" in html:
            raise RecursionError("maximum recursion depth exceeded")
        return b"%PDF-"

    monkeypatch.setattr(evidence, "_pdf_of", drawn)
    out, err = tmp_path / "pack.zip", io.StringIO()
    call_command("evidence_pack", str(out), "--workers", "1", "--no-progress", stderr=err)
    with zipfile.ZipFile(out) as pack:
        names = pack.namelist()
        rows = list(csv.DictReader(io.StringIO(pack.read("index.csv").decode("utf-8-sig"))))
    assert "records/therapy-imatinib.html" in names
    assert "records/therapy-imatinib.pdf" not in names
    assert "records/therapy-sunitinib.pdf" in names
    imatinib = next(row for row in rows if row["page"] == "imatinib")
    assert imatinib["PDF"].startswith("not drawn (RecursionError(")
    assert "No PDF of 1 record(s)" in err.getvalue() and "therapy-imatinib" in err.getvalue()


def test_a_record_whose_pdf_cannot_be_drawn_says_so_and_offers_the_html(seed, as_user, monkeypatch):
    def broken(html):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(evidence, "_pdf_of", broken)
    publication = Publication.objects.for_item(Therapy.objects.get(generic_name="imatinib")).get()
    response = record_of(as_user, publication, format="pdf")
    assert response.status_code == 302
    page = as_user("senior").get(response.url).text
    assert "This record&#x27;s PDF could not be drawn" in page
    assert "?format=html" in page


def test_the_index_writes_a_formula_as_text():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-12") == "-12"
    assert safe_cell("imatinib") == "imatinib"


def test_the_pack_command_refuses_a_name_that_is_not_a_zip(seed, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ZIP"):
        call_command("evidence_pack", str(tmp_path / "pack.txt"))
    with pytest.raises(CommandError, match="no folder"):
        call_command("evidence_pack", str(tmp_path / "missing" / "pack.zip"))


def test_a_check_moves_only_the_published_date_never_an_unreviewed_edit(imatinib, as_user, client):
    gronchi = Reference.objects.get(authors__startswith="Gronchi")
    gronchi.accessed = datetime.date(2099, 1, 1)  # stored behind the form, which refuses it
    gronchi.title = "A title nobody has reviewed"
    gronchi.save()
    confirm_with_sources_checked(as_user, imatinib)
    page = reader_sees(client, "/therapies/imatinib/")
    assert "January 2099" not in page and "A title nobody has reviewed" not in page
    assert f"[accessed {THIS_MONTH}]" in page  # the other source, checked as published


def test_a_source_read_on_a_day_to_come_is_refused(seed, as_user):
    url = f"/admin/therapies/reference/{Reference.objects.first().pk}/change/"
    later = timezone.localdate() + datetime.timedelta(days=1)
    response = post_form(
        as_user("editor"), url, open_form(as_user("editor"), url), accessed=later.isoformat()
    )
    assert "The day we read it cannot be a day to come." in response.text


def test_the_record_shows_no_later_draft_and_no_check_of_an_unapproved_review(imatinib, as_user):
    publication = Publication.objects.for_item(imatinib).get()
    edit_summary(as_user, imatinib, "LATER-DRAFT-TEXT")
    request = submit(as_user, imatinib, summary="LATER-SUMMARY")
    as_user("clinical").post(
        f"/admin/reviews/reviewrequest/{request.pk}/comment/", {"text": "LATER-COMMENT"}
    )
    check_all_sources(as_user, request)
    record = record_of(as_user, publication, format="html").text
    for later in ["LATER-DRAFT-TEXT", "LATER-SUMMARY", "LATER-COMMENT"]:
        assert later not in record, later
    sources = record.split('id="sources"')[1].split("</table>")[0]
    assert "Not yet checked in a review here" in sources


def test_a_pattern_typed_into_a_list_s_address_is_refused_not_a_server_error(seed, as_user):
    for url in [
        "/admin/reviews/pagereview/?page_title__regex=(",
        "/admin/reviews/publication/?object_repr__regex=(",
    ]:
        assert as_user("senior").get(url).status_code == 400, url


def test_changes_asked_at_final_approval_ask_no_one_for_final_approval(
    imatinib, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    edit_summary(as_user, imatinib, "Longer.")
    request = submit(as_user, imatinib)
    for who, role in SIGNERS[:2]:
        assert decide(as_user, request, who, role).status_code == 302
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(as_user, request, "senior", "senior_medical_editor", "changes_requested", "Long.")
    assert mailoutbox  # the editor is told what to change
    assert not [m for m in mailoutbox if m.subject.startswith("Ready for final approval")]
