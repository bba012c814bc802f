"""Rows that several pages show (conditions, drug classes, dosage forms, references, the names of
side effects without a page of their own, topic sections moved between topics) are reviewed
content too: every change is a revision with a summary, an audit event and a conflict check,
and whoever changed one is an author of the next change of every page that shows it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from reversion.models import Version

from reviews.models import AuditEvent, Publication, Reviewer, ReviewRequest, SignOff
from reviews.versions import versions_of
from tests.admin_forms import form_data, open_form, post_form, save
from tests.reviewers import current_declaration
from tests.reviews.test_workflow import (
    CHANGE,
    decide,
    edit_summary,
    reader_sees,
    submit,
)
from therapies.models import (
    Condition,
    DosageForm,
    DrugClass,
    PublishedPage,
    Reference,
    SideEffect,
    Therapy,
    TherapySideEffect,
    Topic,
    TopicSection,
)

# Each shared row imatinib's page shows, the field a person changes, and the new text.
SHARED = {
    "condition": (
        lambda: Condition.objects.get(slug="gastrointestinal-stromal-tumour"),
        "name",
        "gastric stromal tumour",
    ),
    "drugclass": (
        lambda: DrugClass.objects.get(slug="tyrosine-kinase-inhibitor"),
        "name",
        "kinase blocker",
    ),
    "dosageform": (lambda: DosageForm.objects.get(slug="tablets"), "name", "pills"),
    "reference": (
        lambda: Reference.objects.get(authors__startswith="Gronchi"),
        "title",
        "A different guideline altogether",
    ),
    "sideeffect": (lambda: SideEffect.objects.get(slug="feeling-sick"), "name", "vomiting"),
}


@pytest.fixture
def imatinib(seed):
    therapy = Therapy.objects.get(slug="imatinib")
    # A side effect with no page of its own yet: the therapy page shows its working name.
    feeling_sick = SideEffect.objects.create(name="feeling sick", slug="feeling-sick")
    TherapySideEffect.objects.create(therapy=therapy, side_effect=feeling_sick)
    return therapy


@pytest.fixture
def two_roles(people):
    """The clinical reviewer is an editor too: someone who could sign their own change."""
    people["clinical"].groups.add(Group.objects.get(name="Editors"))
    return people["clinical"]


@pytest.fixture
def second_clinician(people):
    user = get_user_model().objects.create_user("clinical2", "c2@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Clinical reviewers"))
    Reviewer.objects.create(
        user=user,
        name="Dr Second",
        job_title="Oncologist",
        editorial_role="clinical_reviewer",
        **current_declaration(),
    )
    people["clinical2"] = user
    return user


def change_url(row) -> str:
    return f"/admin/therapies/{row._meta.model_name}/{row.pk}/change/"


@pytest.mark.parametrize("model", SHARED)
def test_a_shared_row_is_changed_only_with_a_summary_as_a_revision_with_an_audit_event(
    imatinib, as_user, model
):
    get, field, text = SHARED[model]
    row = get()
    client = as_user("editor")
    url = change_url(row)
    refused = post_form(client, url, open_form(client, url), change_summary="", **{field: text})
    assert refused.status_code == 200
    assert "This field is required." in refused.text
    assert getattr(get(), field) != text
    before = versions_of(row).count()
    save(client, url, note=f"Renamed to {text}", **{field: text})
    assert getattr(get(), field) == text
    latest = versions_of(row).last().revision
    assert versions_of(row).count() == before + 1
    assert (latest.user.username, latest.comment) == ("editor", f"Renamed to {text}")
    event = AuditEvent.objects.for_item(row).get(action=AuditEvent.Action.SAVE)
    assert (event.actor.username, event.comment, event.revision) == (
        "editor",
        f"Renamed to {text}",
        latest,
    )


@pytest.mark.parametrize("model", SHARED)
def test_two_editors_changing_a_shared_row_get_a_conflict_not_a_lost_update(
    imatinib, as_user, people, model
):
    get, field, text = SHARED[model]
    url = change_url(get())
    first = as_user("editor")
    second = Client()
    second.force_login(people["editor2"])
    first_form, second_form = open_form(first, url), open_form(second, url)
    assert post_form(first, url, first_form, change_summary="One", **{field: text}).status_code
    response = post_form(second, url, second_form, change_summary="Two", **{field: "other"})
    assert response.status_code == 200
    assert "Someone else saved this page after you opened it" in response.text
    assert 'value="other"' in response.text or ">other<" in response.text  # kept
    assert getattr(get(), field) == text
    retry = post_form(second, url, form_data(response.text), change_summary="Two, checked")
    assert retry.status_code == 302
    assert getattr(get(), field) == "other"


@pytest.mark.parametrize("model", SHARED)
def test_whoever_changed_a_shared_row_cannot_sign_off_a_page_that_shows_it(
    imatinib, as_user, people, two_roles, second_clinician, model
):
    get, field, text = SHARED[model]
    save(as_user("clinical"), change_url(get()), note="My own wording", **{field: text})
    # Someone else makes a trivial change to a page that shows the row, and sends it.
    edit_summary(as_user, imatinib, "A comma added.")
    request = submit(as_user, imatinib)
    assert text in str(request.snapshot)  # the change rides with the page's review
    response = decide(as_user, request, "clinical", "clinical_reviewer")
    assert "You wrote or edited this change" in response.text
    assert not SignOff.objects.exists()
    # The review page names everyone whose change readers would see, and what they changed.
    review = as_user("senior").get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text
    assert "Clinical" in review.split("Who wrote this change")[1].split("</ul>")[0]
    assert str(get()) in review.split("Who wrote this change")[1].split("</ul>")[0]
    # Another clinical reviewer signs; the page is published with the change.
    for who, role in [("clinical2", "clinical_reviewer"), ("lay", "lay_reviewer")]:
        assert decide(as_user, request, who, role).status_code == 302
    final = decide(as_user, request, "senior", "senior_medical_editor")
    assert final.status_code == 302, final.text[final.text.find("errorlist") :][:600]
    assert text.lower() in reader_sees(Client(), "/therapies/imatinib/").lower()
    publication = Publication.objects.for_item(imatinib).first()
    record = as_user("senior").get(f"/admin/reviews/publication/{publication.pk}/record/").text
    written_by = record.split("Written by")[1].split("</p>")[0]
    assert "Editor" in written_by and "Clinical" in written_by


def test_a_shared_row_change_alone_can_be_sent_with_the_page_that_shows_it(imatinib, as_user):
    save(as_user("editor"), change_url(SHARED["condition"][0]()), name="gastric stromal tumour")
    form = as_user("editor").get(CHANGE.format(imatinib.pk)).text
    assert "rows it shows (a condition, a source…) have changed since" in form
    assert "readers see exactly this" not in form
    assert f"/admin/therapies/therapy/{imatinib.pk}/submit/" in form
    request = submit(as_user, imatinib, summary="The condition's new name.")
    assert request.revision_id == versions_of(imatinib).last().revision_id
    assert "gastric stromal tumour" in str(request.snapshot)


def test_the_change_form_of_a_shared_row_lists_the_pages_that_show_it(imatinib, as_user):
    html = as_user("editor").get(change_url(SHARED["drugclass"][0]())).text
    assert "Shown on" in html
    assert "imatinib" in html and "sunitinib" in html
    assert "reach readers only when each page that shows it is reviewed" in html


@pytest.fixture
def second_topic(seed, as_user):
    topic = Topic.objects.get()
    other = Topic.objects.create(title="Chemotherapy for sarcoma", slug="chemotherapy")
    save(as_user("editor"), f"/admin/therapies/topic/{other.pk}/change/", note="New guide")
    return topic, other


def test_moving_a_section_to_another_topic_is_a_revision_of_both(second_topic, as_user, two_roles):
    topic, other = second_topic
    section = topic.sections.exclude(heading="").first()
    before = versions_of(topic).count()
    url = f"/admin/therapies/topicsection/{section.pk}/change/"
    # The first attempt saves: no false "someone else saved this page".
    save(as_user("clinical"), url, note="Moved to the other guide", topic=str(other.pk))
    assert TopicSection.objects.get(pk=section.pk).topic == other
    assert versions_of(topic).count() == before + 1
    for page in (topic, other):
        latest = versions_of(page).last().revision
        assert (latest.user.username, latest.comment) == ("clinical", "Moved to the other guide")
        assert AuditEvent.objects.for_item(page).filter(actor__username="clinical").exists()
    # The mover is an author of the change of the topic that lost the section.
    save(as_user("editor"), f"/admin/therapies/topic/{topic.pk}/change/", intro="More.")
    as_user("editor").post(f"/admin/therapies/topic/{topic.pk}/submit/", {"summary": "Intro."})
    request = ReviewRequest.objects.for_item(topic).get()
    response = decide(as_user, request, "clinical", "clinical_reviewer")
    assert "You wrote or edited this change" in response.text


def test_a_section_change_conflicts_with_a_change_of_its_topic(second_topic, as_user, people):
    topic, _ = second_topic
    section = topic.sections.first()
    section_url = f"/admin/therapies/topicsection/{section.pk}/change/"
    opened = open_form(as_user("editor"), section_url)
    save(as_user("editor2"), f"/admin/therapies/topic/{topic.pk}/change/", intro="New intro.")
    response = post_form(as_user("editor"), section_url, opened, change_summary="x", body="y")
    assert "Someone else saved this page after you opened it" in response.text


def test_a_shared_row_is_restored_as_a_new_revision_never_reverted_in_place(imatinib, as_user):
    condition = SHARED["condition"][0]()
    save(as_user("editor"), change_url(condition), note="One", name="first name")
    save(as_user("editor"), change_url(condition), note="Two", name="second name")
    first = versions_of(condition).get(revision__comment="One")
    history = as_user("editor").get(f"/admin/therapies/condition/{condition.pk}/history/").text
    assert "One" in history and "Two" in history
    response = as_user("editor").post(
        f"/admin/therapies/condition/{condition.pk}/restore/{first.revision_id}/"
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.name == "first name"
    latest = versions_of(condition).last().revision
    assert latest.comment.startswith("Restored revision 2")
    assert AuditEvent.objects.for_item(condition).filter(action="restore").exists()
    # reversion's own "revert this version" address leads to the history, changing nothing.
    before = versions_of(condition).count()
    as_user("editor").post(
        f"/admin/therapies/condition/{condition.pk}/history/{first.pk}/", {"name": "x"}
    )
    assert versions_of(condition).count() == before


def test_deleting_a_section_is_a_revision_of_its_topic(second_topic, as_user, two_roles):
    topic, _ = second_topic
    section = topic.sections.exclude(heading="").first()
    before = versions_of(topic).count()
    response = as_user("clinical").post(
        f"/admin/therapies/topicsection/{section.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TopicSection.objects.filter(pk=section.pk).exists()
    assert versions_of(topic).count() == before + 1
    latest = versions_of(topic).last().revision
    assert latest.user.username == "clinical" and section.heading in latest.comment
    save(as_user("editor"), f"/admin/therapies/topic/{topic.pk}/change/", intro="More.")
    as_user("editor").post(f"/admin/therapies/topic/{topic.pk}/submit/", {"summary": "Intro."})
    request = ReviewRequest.objects.for_item(topic).get()
    assert "You wrote or edited" in decide(as_user, request, "clinical", "clinical_reviewer").text


def sign_all(as_user, request, signers):
    for who, role in signers:
        assert decide(as_user, request, who, role).status_code == 302


OTHERS = [("clinical2", "clinical_reviewer"), ("lay", "lay_reviewer")]
FINAL = [("senior", "senior_medical_editor")]


def test_restoring_someones_revision_makes_them_an_author_again(
    imatinib, as_user, two_roles, second_clinician
):
    edit_summary(as_user, imatinib, "The clinician's own words.", who="clinical")
    theirs = versions_of(imatinib).last().revision_id
    edit_summary(as_user, imatinib, "The editor's words.")
    sign_all(as_user, submit(as_user, imatinib), OTHERS + FINAL)
    as_user("editor").post(f"/admin/therapies/therapy/{imatinib.pk}/restore/{theirs}/")
    request = submit(as_user, imatinib)
    assert (
        "You wrote or edited this change"
        in decide(as_user, request, "clinical", "clinical_reviewer").text
    )
    review = as_user("senior").get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text
    assert "Clinical: this page" in review


def test_restoring_a_shared_rows_revision_makes_its_author_an_author_again(
    imatinib, as_user, two_roles, second_clinician
):
    gist = SHARED["condition"][0]()
    save(as_user("clinical"), change_url(gist), note="Mine", name="clinician's GIST wording")
    theirs = versions_of(gist).last().revision_id
    save(as_user("editor"), change_url(gist), note="Back", name="gastrointestinal stromal tumour")
    edit_summary(as_user, imatinib, "A comma.")
    sign_all(as_user, submit(as_user, imatinib), OTHERS + FINAL)
    as_user("editor").post(f"/admin/therapies/condition/{gist.pk}/restore/{theirs}/")
    request = submit(as_user, imatinib)
    assert "clinician's GIST wording" in str(request.snapshot)
    assert "You wrote or edited" in decide(as_user, request, "clinical", "clinical_reviewer").text


def test_a_row_new_to_a_page_brings_every_unapproved_change_to_it(imatinib, as_user, two_roles):
    ntrk = Condition.objects.get(slug="ntrk-gene-change")  # shown on larotrectinib only
    save(as_user("clinical"), change_url(ntrk), note="Mine", name="clinician's own condition name")
    edit_summary(as_user, imatinib, "A comma.")
    # imatinib did not show the condition: the clinician may sign this change.
    sign_all(as_user, submit(as_user, imatinib), [("clinical", "clinical_reviewer"), *OTHERS[1:]])
    assert decide(as_user, ReviewRequest.objects.latest("pk"), *FINAL[0]).status_code == 302
    client = as_user("editor")
    url = CHANGE.format(imatinib.pk)
    data = open_form(client, url)
    n = int(data["indications-TOTAL_FORMS"][0])
    added = {
        "indications-TOTAL_FORMS": str(n + 1),
        f"indications-{n}-condition": str(ntrk.pk),
        f"indications-{n}-role": "treatment",
        f"indications-{n}-position": "9",
        f"indications-{n}-therapy": str(imatinib.pk),
    }
    assert post_form(client, url, data, change_summary="Add NTRK", **added).status_code == 302
    request = submit(as_user, imatinib)
    assert "clinician's own condition name" in str(request.snapshot)
    assert "You wrote or edited" in decide(as_user, request, "clinical", "clinical_reviewer").text


def test_a_side_effect_name_from_a_withdrawn_page_brings_its_authors(seed, as_user, two_roles):
    sunitinib = Therapy.objects.get(slug="sunitinib")
    tiredness = SideEffect.objects.get(slug="tiredness")
    save(as_user("clinical"), change_url(tiredness), note="Renamed", name="clinician's exhaustion")
    edit_summary(as_user, sunitinib, "A comma.")
    sign_all(as_user, submit(as_user, sunitinib), [("clinical", "clinical_reviewer"), *OTHERS[1:]])
    assert decide(as_user, ReviewRequest.objects.latest("pk"), *FINAL[0]).status_code == 302
    page = PublishedPage.objects.get(kind="side_effect", slug="tiredness")
    as_user("senior").post(
        f"/admin/therapies/publishedpage/{page.pk}/withdraw/", {"reason": "Checking."}
    )
    edit_summary(as_user, sunitinib, "Another comma.")
    request = submit(as_user, sunitinib)
    assert "clinician's exhaustion" in str(request.snapshot)
    assert "You wrote or edited" in decide(as_user, request, "clinical", "clinical_reviewer").text


def test_a_deleted_section_comes_back_with_its_topic_not_on_its_own(second_topic, as_user):
    topic, _ = second_topic
    section = topic.sections.exclude(heading="").first()
    as_user("editor").post(f"/admin/therapies/topicsection/{section.pk}/delete/", {"post": "yes"})
    save(as_user("editor"), f"/admin/therapies/topic/{topic.pk}/change/", intro="A new intro.")
    version = Version.objects.get_deleted(TopicSection).get(object_id=str(section.pk))
    response = as_user("editor").post(
        f"/admin/therapies/topicsection/recover/{version.pk}/", follow=True
    )
    assert "History and comparison, restore a revision that still had it" in response.text
    topic.refresh_from_db()
    assert topic.intro == "A new intro."  # nothing rewound
    assert not TopicSection.objects.filter(pk=section.pk).exists()


def test_restoring_one_topic_leaves_another_in_the_same_revision_alone(second_topic, as_user):
    topic, other = second_topic
    section = topic.sections.exclude(heading="").first()
    url = f"/admin/therapies/topicsection/{section.pk}/change/"
    save(as_user("editor"), url, note="Moved", topic=str(other.pk))
    move = versions_of(other).last().revision_id
    save(as_user("editor"), f"/admin/therapies/topic/{topic.pk}/change/", intro="Later intro.")
    save(as_user("editor"), f"/admin/therapies/topic/{other.pk}/change/", intro="Other's later.")
    as_user("editor2").post(f"/admin/therapies/topic/{other.pk}/restore/{move}/")
    topic.refresh_from_db()
    other.refresh_from_db()
    assert topic.intro == "Later intro."
    assert other.intro == ""  # as it was in the restored revision
    assert TopicSection.objects.get(pk=section.pk).topic == other


def test_a_section_moved_into_a_topic_brings_its_writers(second_topic, as_user, two_roles):
    topic, other = second_topic
    client = as_user("clinical")
    url = "/admin/therapies/topicsection/add/"
    response = post_form(
        client,
        url,
        open_form(client, url),
        change_summary="My section",
        topic=str(other.pk),
        heading="Clinician's heading",
        body="The clinician's own words.",
        position="9",
    )
    assert response.status_code == 302
    section = TopicSection.objects.get(heading="Clinician's heading")
    move = f"/admin/therapies/topicsection/{section.pk}/change/"
    save(as_user("editor"), move, note="Move it here", topic=str(topic.pk))
    as_user("editor").post(f"/admin/therapies/topic/{topic.pk}/submit/", {"summary": "x"})
    request = ReviewRequest.objects.for_item(topic).get(state="in_review")
    assert "You wrote or edited" in decide(as_user, request, "clinical", "clinical_reviewer").text


def test_a_section_rewritten_elsewhere_and_moved_back_brings_its_writer(
    second_topic, as_user, two_roles
):
    topic, other = second_topic
    section = topic.sections.exclude(heading="").first()
    url = f"/admin/therapies/topicsection/{section.pk}/change/"
    save(as_user("editor"), url, note="Park it", topic=str(other.pk))
    save(as_user("clinical"), url, note="My words", body="The clinician's own section words.")
    save(as_user("editor"), url, note="Bring it back", topic=str(topic.pk))
    as_user("editor").post(f"/admin/therapies/topic/{topic.pk}/submit/", {"summary": "x"})
    request = ReviewRequest.objects.for_item(topic).get(state="in_review")
    assert "You wrote or edited" in decide(as_user, request, "clinical", "clinical_reviewer").text


def test_restoring_a_topic_leaves_a_section_that_moved_away_where_it_is(second_topic, as_user):
    topic, other = second_topic
    before_move = versions_of(topic).last().revision_id
    section = topic.sections.exclude(heading="").first()
    url = f"/admin/therapies/topicsection/{section.pk}/change/"
    save(as_user("editor"), url, note="Move", topic=str(other.pk))
    save(as_user("editor2"), url, note="Rewrite", body="Words written for the other guide.")
    other_versions = versions_of(other).count()
    as_user("editor").post(f"/admin/therapies/topic/{topic.pk}/restore/{before_move}/")
    section.refresh_from_db()
    assert (section.topic, section.body) == (other, "Words written for the other guide.")
    assert versions_of(other).count() == other_versions  # the other topic did not change
    assert (
        "belongs to another page now and stays there" in versions_of(topic).last().revision.comment
    )


def test_a_stale_section_form_conflicts_when_the_section_moved(second_topic, as_user):
    topic, other = second_topic
    section = topic.sections.exclude(heading="").first()
    url = f"/admin/therapies/topicsection/{section.pk}/change/"
    stale = open_form(as_user("editor"), url)
    save(as_user("editor2"), url, note="Move and rewrite", topic=str(other.pk), body="Theirs.")
    # Even when the other topic's counter happens to equal the one the form opened with.
    stale["opened_edit_version"] = [str(Topic.objects.get(pk=other.pk).edit_version)]
    response = post_form(as_user("editor"), url, stale, change_summary="Typo", heading="X")
    assert response.status_code == 200
    assert "Someone else saved this page after you opened it" in response.text
    section.refresh_from_db()
    assert (section.topic, section.body) == (other, "Theirs.")


def test_a_topics_comparison_shows_only_its_own_rows(second_topic, as_user):
    topic, other = second_topic
    section = topic.sections.exclude(heading="").first()
    before = versions_of(other).last().revision_id
    save(
        as_user("editor"),
        f"/admin/therapies/topicsection/{section.pk}/change/",
        topic=str(other.pk),
    )
    after = versions_of(other).last().revision_id
    html = (
        as_user("lay")
        .get(f"/admin/therapies/topic/{other.pk}/compare/?older={before}&newer={after}")
        .text
    )
    assert f"Topic section added: {section}" in html
    assert "Topic added" not in html and topic.title not in html.split("comparison")[-1]
