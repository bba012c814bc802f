# The editorial team, for tests of the public site that go through the workflow to get there.
from tests.reviews.conftest import as_user, people, superuser  # noqa: F401
