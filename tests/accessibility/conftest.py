import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from reviews import services
from reviews.seed_loader import load_seed_content
from therapies import publishing
from therapies.models import InformationPage, Organisation, PublishedPage
from therapies.publishing import build_snapshot

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# Every public page type, as a reader meets it.
PUBLIC_PAGES = {
    "home": "/",
    "topic": "/topics/targeted-therapies-soft-tissue-sarcoma/",
    "therapy-list-filtered": "/therapies/?condition=gastrointestinal-stromal-tumour&form=tablets",
    "therapy-list-bad-filter": "/therapies/?condition=nonsense&page=99",
    "therapy": "/therapies/sunitinib/",
    "side-effect": "/side-effects/tiredness/",
    "glossary": "/glossary/",
    "information": "/about/accessibility/",
    "not-found": "/no-such-page/",
    "withdrawn": "/side-effects/thyroid-changes/",
    "feedback": "/feedback/therapy/sunitinib/?helpful=no",
    "feedback-thanks": "/feedback/thanks/?from=/therapies/sunitinib/",
}


@pytest.fixture
def site(transactional_db, live_server, record_review):
    """The seed site with one withdrawn page and one page about the site published (the seed
    has them as drafts), and the organisation's contact address set (shown in the footer and
    the topic's credit), served for a real browser."""
    load_seed_content()
    accessibility = InformationPage.objects.get(slug="accessibility")
    publishing.publish(build_snapshot(accessibility), review=record_review(accessibility))
    Organisation.objects.update_or_create(
        pk=Organisation.ROW, defaults={"contact_email": "help@sarcoma.example"}
    )
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    services.withdraw(
        page=PublishedPage.objects.get(slug="thyroid-changes"),
        user=boss,
        reason="We are rewriting this page.",
    )
    return live_server.url


@pytest.fixture
def validate_html(tmp_path):
    """Runs the Nu Html Checker over HTML documents; skips, saying why, without Java or it."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java to run the Nu Html Checker (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.skip(f"the Nu Html Checker is not installed at {VNU_JAR} (run `npm ci`)")

    def validate(documents: dict[str, bytes]) -> dict[str, list[str]]:
        files = {}
        for name, body in documents.items():
            path = tmp_path / f"{name}.html"
            path.write_bytes(body)
            files[str(path)] = name
        result = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "gnu", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        errors = {name: [] for name in documents}
        for line in (result.stdout + result.stderr).splitlines():
            # "file:/tmp/x/home.html":1.28-1.34: error: Element “head” is missing …
            match = re.match(r'^"file:(?P<path>[^"]+)":(?P<message>.*)$', line)
            if match is None:
                continue
            name = files.get(match["path"])
            if name is None:
                raise AssertionError(f"the checker reported on a file it was not given: {line}")
            errors[name].append(match["message"])
        if result.returncode != 0 and not any(errors.values()):
            raise AssertionError(f"the checker failed without saying why: {result.stderr}")
        return errors

    return validate
