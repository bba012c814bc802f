"""Who may open and post to every address the project has: one table, every role, GET and POST.

Each address is built from the URL patterns themselves, so a URL added later without a row
here fails `test_every_address_has_a_row`. POSTs carry a valid CSRF token in a header and no
form data: enough to reach the view and its permission check, never enough to delete.
Every request runs in a savepoint that is rolled back, so no cell changes what the next sees.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from reversion.models import Version

from reviews.models import Publication, ReviewComment, Reviewer
from tests.admin_forms import log_in
from tests.reviewers import current_declaration
from tests.reviews.test_workflow import SIGNERS, approve_all, decide, edit_summary, submit
from tests.therapies.test_publisher import submit_page
from therapies.models import GlossaryTerm, InformationPage, PublishedPage, Therapy

ROLES = ["anonymous", "editor", "clinical", "lay", "senior", "superuser"]
# People with two roles: each may do what either role may, no more.
TWO_ROLES = ["editor+clinical", "editor+lay", "editor+senior", "clinical+lay"]
STAFF = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
NOBODY: set[str] = set()
SUPER = {"superuser"}
EDIT = {"editor", "superuser"}
SIGN = {"clinical", "lay", "senior", "superuser"}
SENIOR = {"senior", "superuser"}

# Admin models: (who may view, who may add, who may change, who may delete).
CONTENT = (STAFF, EDIT, EDIT, EDIT)
READ_ONLY = (STAFF, NOBODY, NOBODY, NOBODY)
MODELS = {
    "therapies_therapy": CONTENT,
    "therapies_sideeffect": CONTENT,
    "therapies_glossaryterm": CONTENT,
    "therapies_topic": CONTENT,
    "therapies_topicsection": CONTENT,
    "therapies_condition": CONTENT,
    "therapies_drugclass": CONTENT,
    "therapies_dosageform": CONTENT,
    "therapies_reference": CONTENT,
    "therapies_informationpage": CONTENT,
    "therapies_searchsynonym": CONTENT,
    # Who publishes the site and how readers reach it: an administrator's alone, one row.
    "therapies_organisation": (SUPER, NOBODY, SUPER, NOBODY),
    "therapies_publishedpage": READ_ONLY,
    "therapies_feedback": (STAFF, NOBODY, NOBODY, SUPER),
    "reviews_reviewrequest": READ_ONLY,
    "reviews_signoff": READ_ONLY,
    "reviews_auditevent": READ_ONLY,
    "reviews_publication": READ_ONLY,
    "reviews_pagereview": (STAFF, NOBODY, SENIOR, SUPER),
    "reviews_reviewer": (STAFF, SUPER, SENIOR, SUPER),
    "reviews_reviewpolicy": (STAFF, NOBODY, SENIOR, NOBODY),
    "auth_user": (SUPER, SUPER, SUPER, SUPER),
    "auth_group": (SUPER, SUPER, SUPER, SUPER),
    "axes_accessattempt": (SUPER, NOBODY, SUPER, SUPER),
    "axes_accessfailurelog": (SUPER, NOBODY, SUPER, SUPER),
    "axes_accesslog": (SUPER, NOBODY, SUPER, SUPER),
}
# The object each address shows is the first of its kind; for pages that is a published page,
# which nobody may delete until it has been withdrawn.
PUBLISHED_FIRST = [
    "therapies_therapy",
    "therapies_sideeffect",
    "therapies_glossaryterm",
    "therapies_topic",
]
VERSIONED = [m for m, rule in MODELS.items() if rule == CONTENT]
REVIEWED_PAGES = ["therapy", "sideeffect", "glossaryterm", "topic", "informationpage"]
# Rows with revisions of their own that are not pages: history, comparison and restore too.
SHARED_ROWS = ["condition", "drugclass", "dosageform", "reference", "searchsynonym"]

# Everything else: (who may GET, who may POST). Admin pages send others to the login page if
# they are not logged in, and answer 403 to staff without the permission.
PAGES = {
    "admin:index": (STAFF, STAFF),
    "admin:app_list": (STAFF, STAFF),
    "admin:login": (EVERYONE, EVERYONE),
    "admin:logout": (NOBODY, EVERYONE),
    "admin:password_change": (STAFF, STAFF),
    "admin:password_change_done": (STAFF, NOBODY),
    "admin:jsi18n": (STAFF, NOBODY),
    # The therapy form's condition and side-effect pickers.
    "admin:autocomplete": (STAFF, NOBODY),
    # No page has an address on the public site of its own (readers see only what is
    # published), so "view on site" finds nothing: 404 for staff, the login page for others.
    "admin:view_on_site": (NOBODY, NOBODY),
    "admin:reviews_reviewrequest_queue": (SIGN, SIGN),
    "admin:reviews_reviewrequest_review": (STAFF, SIGN),
    # These three take a POST; a GET goes back to the review page.
    "admin:reviews_reviewrequest_check_reference": (EDIT | SIGN, EDIT | SIGN),
    "admin:reviews_reviewrequest_comment": (SIGN, SIGN),
    "admin:reviews_reviewrequest_answer_comment": (EDIT, EDIT),
    "admin:reviews_publication_record": (STAFF, STAFF),
    "admin:reviews_publication_record_page": (STAFF, STAFF),
    # The assessor's evidence: for those who answer for the whole site.
    "reviews_evidence": (SENIOR, NOBODY),
    "reviews_evidence_pack": (SENIOR, NOBODY),
    # Each person's own declaration of interests: a page for anyone on the staff (one without
    # a reviewer profile is told they have none), changing only their own profile.
    "my_declaration": (STAFF, STAFF),
    "admin:therapies_publishedpage_withdraw": (SENIOR, SENIOR),
    **{f"admin:therapies_{m}_compare": (STAFF, STAFF) for m in REVIEWED_PAGES + SHARED_ROWS},
    # A GET goes back to the history; restoring takes a POST.
    **{f"admin:therapies_{m}_restore": (STAFF, EDIT) for m in REVIEWED_PAGES + SHARED_ROWS},
    # Reviewer profiles are versioned like content; senior medical editors keep declarations,
    # and only a superuser restores an old revision (names included) or recovers a deleted one.
    "admin:reviews_reviewer_compare": (STAFF, STAFF),
    "admin:reviews_reviewer_restore": (STAFF, SUPER),
    "admin:reviews_reviewer_recoverlist": (SUPER, SUPER),
    "admin:reviews_reviewer_recover": (SUPER, SUPER),
    "admin:reviews_reviewer_revision": (STAFF, STAFF),
    **{f"admin:therapies_{m}_submit": (EDIT, EDIT) for m in REVIEWED_PAGES},
    **{f"admin:therapies_{m}_confirm_review": (EDIT, EDIT) for m in REVIEWED_PAGES},
    # The page as readers will see it: for the editorial team only, never for readers.
    **{f"admin:therapies_{m}_preview": (STAFF, STAFF) for m in REVIEWED_PAGES},
    "admin:reviews_reviewrequest_preview": (EDIT | SIGN, EDIT | SIGN),
    # The public site: readers' pages answer everyone; feedback is posted by anyone.
    "sitemap": (EVERYONE, EVERYONE),
    "therapies:home": (EVERYONE, EVERYONE),
    "therapies:therapy_list": (EVERYONE, EVERYONE),
    "therapies:therapy_detail": (EVERYONE, EVERYONE),
    "therapies:topic_detail": (EVERYONE, EVERYONE),
    "therapies:side_effect_detail": (EVERYONE, EVERYONE),
    "therapies:glossary": (EVERYONE, EVERYONE),
    "therapies:search": (EVERYONE, EVERYONE),
    "therapies:information_page": (EVERYONE, EVERYONE),
    "therapies:feed": (EVERYONE, EVERYONE),
    "therapies:feedback": (EVERYONE, EVERYONE),
    "therapies:feedback_thanks": (EVERYONE, EVERYONE),
}


def admin_model_rules():
    for model, (view, add, change, delete) in MODELS.items():
        yield f"admin:{model}_changelist", (view, view | change)
        yield f"admin:{model}_add", (add, add)
        yield f"admin:{model}_change", (view | change, change)
        if model in PUBLISHED_FIRST:
            delete = NOBODY
        yield f"admin:{model}_delete", (delete, delete)
        yield f"admin:{model}_history", (view | change, view | change)
        if model == "auth_user":
            yield "admin:auth_user_password_change", (SUPER, SUPER)
        if model in VERSIONED:
            yield f"admin:{model}_recoverlist", (EDIT, EDIT)
            yield f"admin:{model}_recover", (EDIT, EDIT)
            # Old revisions are read in the history and restored from there.
            yield f"admin:{model}_revision", (STAFF, STAFF)


RULES = {**dict(admin_model_rules()), **PAGES}


def named_patterns():
    """(name, route) for every URL the project serves: the admin's unnamed catch-alls by
    route."""

    def walk(patterns, namespace="", prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner, route)
            elif isinstance(entry, URLPattern):
                yield (f"{namespace}{entry.name}" if entry.name else route), entry

    return list(walk(get_resolver().url_patterns))


def unnamed(name: str) -> bool:
    # Two patterns Django's admin adds without a name: each model's old change address, which
    # redirects to the new one, and the catch-all. Tested on their own, below.
    return name.endswith(("<path:object_id>/", "(?P<url>.*)$"))


def test_every_address_has_a_row():
    names = {name for name, _ in named_patterns() if not unnamed(name)}
    assert names - RULES.keys() == set(), "add a row for each new address"
    assert RULES.keys() - names == set(), "remove the rows of addresses that are gone"


@pytest.fixture
def site(seed, people, as_user, client):
    """Something of every kind, so every address has a real object to show."""
    User = get_user_model()
    people["superuser"] = User.objects.create_superuser("boss", "b@example.org", "boss-pw-1")
    groups = {role: people[role].groups.get() for role in ["editor", "clinical", "lay", "senior"]}
    for role in TWO_ROLES:
        user = User.objects.create_user(role, f"{role}@example.org", "pw", is_staff=True)
        user.groups.set([groups[part] for part in role.split("+")])
        reviewer_role = SIGNS_AS[role]
        Reviewer.objects.create(
            user=user,
            name=f"Dr {role}",
            job_title="Consultant",
            editorial_role=reviewer_role,
            **current_declaration(),
        )
        people[role] = user
    imatinib = Therapy.objects.get(slug="imatinib")
    edit_summary(as_user, imatinib, "Plainer words.")
    request = submit(as_user, imatinib)
    as_user("clinical").post(
        f"/admin/reviews/reviewrequest/{request.pk}/comment/", {"text": "Say tablet."}
    )
    decide(as_user, request, "clinical", "clinical_reviewer")
    comment = ReviewComment.objects.latest("pk")
    client.logout()
    client.post("/feedback/therapy/imatinib/", {"helpful": "yes"})
    draft = GlossaryTerm.objects.exclude(
        pk__in=[p.object_id for p in PublishedPage.objects.glossary_terms()]
    ).first()
    as_user("editor").post(f"/admin/therapies/glossaryterm/{draft.pk}/delete/", {"post": "yes"})
    Client().post(
        "/admin/login/", {"username": "editor", "password": "wrong"}, REMOTE_ADDR="192.0.2.9"
    )
    # A page about the site, published (the first of them stays a draft, so it can be deleted).
    accessibility = InformationPage.objects.get(slug="accessibility")
    approve_all(as_user, submit_page(as_user, accessibility))
    log_in(Client(), "boss", "boss-pw-1")
    client.logout()
    return {"imatinib": imatinib, "request": request, "comment": comment}


def object_for(model_key: str):
    app_label, model = model_key.split("_", 1)
    model_class = ContentType.objects.get(app_label=app_label, model=model).model_class()
    return model_class.objects.order_by("pk").first()


def address(name: str, pattern: URLPattern, site) -> str:
    """A real address for this pattern, with real objects in it."""
    from django.urls import reverse

    short = name.removeprefix("admin:")
    model_key = short.rsplit("_", 1)[0]
    for suffix in ["_password_change", "_check_reference", "_answer_comment", "_confirm_review"]:
        if short.endswith(suffix):
            model_key = short.removesuffix(suffix)
    request, comment = site["request"], site["comment"]
    kwargs = {}
    route = str(pattern.pattern)
    if name == "admin:auth_user_password_change":
        kwargs = {"id": get_user_model().objects.get(username="boss").pk}
    elif name == "admin:app_list":
        kwargs = {"app_label": "therapies"}
    elif name == "admin:autocomplete":
        return (
            reverse(name) + "?app_label=therapies&model_name=indication&field_name=condition&term=g"
        )
    elif name == "admin:view_on_site":
        therapy = site["imatinib"]
        kwargs = {
            "content_type_id": ContentType.objects.get_for_model(Therapy).pk,
            "object_id": therapy.pk,
        }
    elif name == "admin:reviews_reviewrequest_answer_comment":
        kwargs = {"pk": request.pk, "comment_pk": comment.pk}
    elif name.startswith("admin:reviews_reviewrequest_") and "<int:pk>" in route:
        kwargs = {"pk": request.pk}
    elif name.startswith("admin:reviews_publication_record"):
        kwargs = {"pk": Publication.objects.first().pk}
    elif name == "admin:therapies_publishedpage_withdraw":
        kwargs = {"pk": PublishedPage.objects.get(slug="imatinib").pk}
    elif name.endswith("_recover"):
        app_label, model = model_key.split("_", 1)
        model_class = ContentType.objects.get(app_label=app_label, model=model).model_class()
        deleted = Version.objects.get_deleted(model_class).first()
        # Only a glossary term was deleted; the others have nothing to recover: 404 when allowed.
        return reverse(name, args=[deleted.pk if deleted else 999999])
    elif name.endswith("_revision"):
        obj = object_for(model_key)
        version = Version.objects.get_for_object(obj).first()
        return reverse(name, args=[obj.pk, version.pk if version else 999999])
    elif name.endswith("_restore"):
        obj = object_for(model_key)
        version = Version.objects.get_for_object(obj).last()
        kwargs = {"object_id": obj.pk, "revision_id": version.revision_id if version else 999999}
    elif "object_id" in route:
        obj = object_for(model_key)
        kwargs = {"object_id": obj.pk if obj else 999999}
    elif name.startswith("therapies:") and "<slug:slug>" in route:
        kwargs = {
            "slug": {
                "therapies:topic_detail": "targeted-therapies-soft-tissue-sarcoma",
                "therapies:side_effect_detail": "tiredness",
                "therapies:information_page": "accessibility",
            }.get(name, "imatinib")
        }
        if name == "therapies:feedback":
            kwargs["kind"] = "therapy"
    return reverse(name, kwargs=kwargs)


# What each role signs as, when it posts a decision.
SIGNS_AS = {
    **dict(SIGNERS),
    "superuser": "clinical_reviewer",
    "editor+clinical": "clinical_reviewer",
    "editor+lay": "lay_reviewer",
    "editor+senior": "senior_medical_editor",
    "clinical+lay": "lay_reviewer",
}


def may(role: str, allowed: set[str]) -> bool:
    return any(part in allowed for part in role.split("+"))


def signed_in(people, role: str) -> tuple[Client, str]:
    """A client for the role, with a CSRF cookie and its token, as a browser has them."""
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    client.get("/feedback/therapy/imatinib/?helpful=yes")  # a page with a form sets the cookie
    return client, client.cookies["csrftoken"].value


def answer(client: Client, token: str, role: str, method: str, url: str, name: str):
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            # A decision names the role it is made in: the user's own, with no decision chosen,
            # so the form is shown again. Everything else is posted empty.
            data = {}
            if name == "admin:reviews_reviewrequest_review" and role in SIGNS_AS:
                data = {"role": SIGNS_AS[role]}
            response = client.post(url, data, headers={"X-CSRFToken": token})
        transaction.set_rollback(True)
    return response


PUBLIC_OR_LOGOUT = {name for name in RULES if not name.startswith("admin:")} | {"admin:logout"}


def expected(name: str, role: str, method: str, allowed: set[str], url: str) -> set[int]:
    if name.startswith(("therapies:", "sitemap")):
        # Public: any reader (feedback may say 429, too much at once); detail is tested elsewhere.
        return {200, 302, 400, 405, 429}
    if name == "admin:view_on_site" and role != "anonymous":
        return {404}
    if name == "admin:logout" and role == "anonymous":
        return {302}
    if "999999" in url and role != "anonymous":
        # Nothing of this kind exists to show: Django says so (302 or 404) before it asks
        # about permissions, so the answer says nothing about them.
        return {302, 403, 404}
    if may(role, allowed):
        return {200, 302}
    if role == "anonymous":
        return {302}  # to the login page
    return {403, 405} if method == "POST" or name != "admin:logout" else {405}


@pytest.mark.parametrize("role", ROLES + TWO_ROLES)
def test_every_role_gets_its_answer_from_every_address(site, people, role):
    wrong = []
    client, token = signed_in(people, role)
    for name, pattern in named_patterns():
        if unnamed(name):
            continue
        url = address(name, pattern, site)
        may_get, may_post = RULES[name]
        for method, allowed in [("GET", may_get), ("POST", may_post)]:
            if role != "anonymous" and "_auth_user_id" not in client.session:
                client, token = signed_in(people, role)  # logged out
            response = answer(client, token, role, method, url, name)
            status = response.status_code
            if status not in expected(name, role, method, allowed, url):
                wrong.append(f"{method} {url}: {status}")
            elif role == "anonymous" and status == 302 and name not in PUBLIC_OR_LOGOUT:
                if not response["Location"].startswith("/admin/login/"):
                    wrong.append(f"{method} {url}: to {response['Location']}")
    assert wrong == [], "\n".join(wrong)


def test_the_admins_unnamed_addresses_send_strangers_to_log_in(site, people):
    therapy = site["imatinib"]
    for url in [f"/admin/therapies/therapy/{therapy.pk}/", "/admin/no/such/page/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    staff = Client()
    staff.force_login(people["clinical"])
    assert staff.get(f"/admin/therapies/therapy/{therapy.pk}/")["Location"] == (
        f"/admin/therapies/therapy/{therapy.pk}/change/"
    )
    assert staff.get("/admin/no/such/page/").status_code == 404
