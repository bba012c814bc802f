"""Two people acting at the same moment: the database's row locks decide, and nothing doubles."""

import threading

import pytest
from django.db import connection

from reviews import changes, services
from reviews.models import AuditEvent, ReviewRequest, SignOff, WorkflowError
from reviews.seed_loader import load_seed_content
from therapies.models import PublishedPage, Therapy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready_for_final_approval(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks to test (CI runs this)")
    load_seed_content()
    therapy = Therapy.objects.get(slug="imatinib")
    import reversion

    with reversion.create_revision():
        therapy.summary = "Imatinib is a TKI, approved twice at once."
        therapy.save()
        changes.record_change(therapy, user=people["editor"], summary="Reword")
    request = services.submit_for_review(item=therapy, user=people["editor"], summary="Reword")
    for who, role in [("clinical", "clinical_reviewer"), ("lay", "lay_reviewer")]:
        services.sign_off(
            review_request=request, reviewer=people[who], role=role, decision="approved", comment=""
        )
    return request


def run_together(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as error:  # the test inspects what each thread met
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_final_approvals_at_the_same_moment_publish_once(ready_for_final_approval, people):
    request = ready_for_final_approval

    def approve(who):
        return lambda: services.sign_off(
            review_request=request,
            reviewer=people[who],
            role="senior_medical_editor",
            decision="approved",
            comment="",
        )

    outcomes = run_together(approve("senior"), approve("senior2"))
    signed = [o for o in outcomes if isinstance(o, SignOff)]
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(signed) == 1 and len(refused) == 1, outcomes
    assert "approved and published" in str(refused[0])
    assert SignOff.objects.filter(review_request=request, role="senior_medical_editor").count() == 1
    publishes = AuditEvent.objects.filter(action="publish", revision=request.revision)
    assert publishes.count() == 1
    request.refresh_from_db()
    assert request.state == ReviewRequest.State.PUBLISHED
    assert PublishedPage.objects.get(slug="imatinib").revision_id == request.revision_id
