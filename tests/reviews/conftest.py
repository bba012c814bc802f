import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reviews import roles
from reviews.models import EditorialRole, Reviewer
from tests.reviewers import current_declaration
from therapies.models import Therapy

PEOPLE = {
    "editor": (roles.EDITORS, None),
    "editor2": (roles.EDITORS, None),
    "clinical": (roles.CLINICAL_REVIEWERS, EditorialRole.CLINICAL_REVIEWER),
    "lay": (roles.LAY_REVIEWERS, EditorialRole.LAY_REVIEWER),
    "senior": (roles.SENIOR_MEDICAL_EDITORS, EditorialRole.SENIOR_MEDICAL_EDITOR),
    "senior2": (roles.SENIOR_MEDICAL_EDITORS, EditorialRole.SENIOR_MEDICAL_EDITOR),
}


@pytest.fixture
def people(db):
    """One user per editorial role (two editors, two senior medical editors); each reviewer
    with a current declaration of interests, as the review policy asks before they sign."""
    roles.sync_groups()
    made = {}
    for username, (group, role) in PEOPLE.items():
        user = get_user_model().objects.create_user(
            username, f"{username}@example.org", "pw", is_staff=True, first_name=username.title()
        )
        user.groups.add(Group.objects.get(name=group))
        if role:
            Reviewer.objects.create(
                user=user,
                name=f"Dr {username.title()}",
                job_title="Consultant",
                editorial_role=role,
                **current_declaration(),
            )
        made[username] = user
    return made


@pytest.fixture
def as_user(client, people):
    """Log the test client in as one of the people."""

    def login(username):
        client.force_login(people[username])
        return client

    return login


@pytest.fixture
def superuser(people):
    """An administrator, as "boss" among the people."""
    people["boss"] = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    return people["boss"]


@pytest.fixture
def imatinib(seed):
    return Therapy.objects.get(slug="imatinib")
