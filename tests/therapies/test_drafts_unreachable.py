"""A page that has never been published cannot be reached by readers, by any route."""

from django.test import Client


def test_an_unpublished_draft_is_nowhere_on_the_public_site(seed, make_therapy):
    draft = make_therapy(
        "secretinib",
        brands=["Secretbrand®"],
        conditions=["secret condition"],
        forms=["tablets"],
        published=False,
    )
    reader = Client()
    # By its address, guessed, or by its id.
    for url in [
        "/therapies/secretinib/",
        "/feedback/therapy/secretinib/",
        f"/therapies/{draft.pk}/",
    ]:
        assert reader.get(url).status_code == 404, url
    assert reader.post("/feedback/therapy/secretinib/", {"helpful": "yes"}).status_code == 404
    # The admin's ids lead only to the login page.
    response = reader.get(f"/admin/therapies/therapy/{draft.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    # Not listed, searched, filtered, mapped, announced or described anywhere.
    for search in ["/therapies/?q=secretinib", "/therapies/?q=secretbrand"]:
        html = reader.get(search).text.lower()
        assert "0 drugs found" in html  # the page repeats what was typed, and finds nothing
        assert "/therapies/secretinib/" not in html
    filtered = reader.get("/therapies/?condition=secret-condition").text.lower()
    assert "not understand" in filtered  # no such choice: readers are told it was left out
    assert "secret condition" not in filtered
    assert "/therapies/secretinib/" not in filtered
    everywhere = [
        "/",
        "/therapies/",
        "/therapies/?letter=S",
        "/sitemap.xml",
        "/feed/",
        "/glossary/",
        "/topics/targeted-therapies-soft-tissue-sarcoma/",
        "/side-effects/tiredness/",
    ]
    for url in everywhere:
        html = reader.get(url).text.lower()
        assert "secret" not in html, url  # the JSON-LD in it included
