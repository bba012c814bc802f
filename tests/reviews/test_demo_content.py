"""Generated content for load tests: published like real content, marked, and removable."""

import re

from django.core.management import call_command
from django.test import override_settings

from reviews.models import PageReview, Publication
from reviews.versions import versions_of
from therapies.models import PublishedPage, Therapy


def test_generated_therapies_are_published_marked_and_removable(seed, client):
    seed_therapies = set(Therapy.objects.values_list("slug", flat=True))
    call_command("generate_demo_content", "--therapies", "25", stdout=open("/dev/null", "w"))
    generated = Therapy.objects.exclude(slug__in=seed_therapies)
    assert generated.count() == 25
    assert all(t.slug.startswith("generated-") for t in generated)
    therapy = generated.first()
    assert therapy.indications.exists() and therapy.side_effect_links.count() >= 3
    assert all(link.frequency for link in therapy.side_effect_links.all())
    assert versions_of(therapy).count() == 2  # several revisions per page
    assert PageReview.objects.for_item(therapy).exists()
    assert Publication.objects.for_item(therapy).exists()
    page = client.get(f"/therapies/{therapy.slug}/")
    assert page.status_code == 200
    assert therapy.generic_name.capitalize() in page.content.decode()
    assert PublishedPage.objects.therapies().count() == 31
    call_command("generate_demo_content", "--remove", stdout=open("/dev/null", "w"))
    assert set(Therapy.objects.values_list("slug", flat=True)) == seed_therapies
    assert PublishedPage.objects.therapies().count() == 6
    assert client.get(f"/therapies/{therapy.slug}/").status_code == 404


@override_settings(HOME_A_TO_Z_LIMIT=3)
def test_past_a_few_drugs_the_home_page_shows_a_letter_index(seed, client):
    html = client.get("/").content.decode()
    assert re.findall(r"\?letter=([A-Z])", html) == ["C", "I", "L", "P", "R", "S"]
    listed = client.get("/therapies/?letter=P").content.decode()
    assert re.findall(r'<h3><a href="/therapies/([a-z]+)/"', listed) == ["pazopanib"]
    assert (
        "We did not understand the “First letter” filter"
        in client.get("/therapies/?letter=zz").content.decode()
    )
