from django.contrib.auth.management import create_permissions
from django.db import migrations

# Readers' feedback is for everyone who looks after the content (reviews/roles.py).
GROUPS = ["Editors", "Clinical reviewers", "Lay reviewers", "Senior medical editors"]


def read_feedback(apps, schema_editor):
    therapies = apps.get_app_config("therapies")
    therapies.models_module = True
    create_permissions(therapies, apps=apps, verbosity=0)
    therapies.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_feedback = Permission.objects.get(
        content_type__app_label="therapies", codename="view_feedback"
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(view_feedback)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_editorial_groups_review_records"),
        ("therapies", "0004_reader_feedback"),
    ]

    operations = [migrations.RunPython(read_feedback, migrations.RunPython.noop)]
