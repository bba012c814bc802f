import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from reviews.models import Reviewer
from tests.admin_forms import log_in

ROLES = {
    "editor": "Editors",
    "clinical": "Clinical reviewers",
    "lay": "Lay reviewers",
    "senior": "Senior medical editors",
}


@override_settings(DEBUG=False)
def test_demo_accounts_are_refused_when_debug_is_off(db):
    with pytest.raises(CommandError, match="local development only"):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()


@override_settings(DEBUG=True)
def test_demo_accounts_can_sign_in_to_the_admin_with_their_roles(db, client, capsys):
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")  # twice: still one of each
    printed = capsys.readouterr().out
    User = get_user_model()
    assert User.objects.count() == 5
    for username, group in ROLES.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert f"demo-{username}-pass" in printed
    assert User.objects.get(username="admin").is_superuser
    assert Reviewer.objects.filter(user__username="senior").get().editorial_role == (
        "senior_medical_editor"
    )
    log_in(client, "editor", "demo-editor-pass")
    assert client.get("/admin/").status_code == 200


@override_settings(DEBUG=True)
def test_the_editor_can_open_the_seed_in_the_admin(seed, client):
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    log_in(client, "editor", "demo-editor-pass")
    from therapies.models import Therapy, Topic

    imatinib = Therapy.objects.get(slug="imatinib")
    topic = Topic.objects.get()
    for url in [
        "/admin/therapies/therapy/",
        f"/admin/therapies/therapy/{imatinib.pk}/change/",
        "/admin/therapies/topic/",
        f"/admin/therapies/topic/{topic.pk}/change/",
        "/admin/therapies/sideeffect/",
        "/admin/therapies/glossaryterm/",
        "/admin/therapies/reference/",
    ]:
        assert client.get(url).status_code == 200, url
    # Reviewers read content but do not change it.
    log_in(client, "lay", "demo-lay-pass")
    assert client.get(f"/admin/therapies/therapy/{imatinib.pk}/change/").status_code == 200
    response = client.post(f"/admin/therapies/therapy/{imatinib.pk}/change/", {})
    assert response.status_code == 403


@override_settings(DEBUG=True)
def test_demo_accounts_bring_back_the_editorial_groups_if_they_were_removed(db):
    from django.contrib.auth.models import Group

    Group.objects.all().delete()
    call_command("create_demo_accounts")
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES.values())
    assert get_user_model().objects.get(username="clinical").has_perm("reviews.sign_off_clinical")
