"""A remark given with an approval was also stored as a comment "waiting for an answer". It is
part of the sign-off, which keeps it: the copies that nobody answered go, so no approval stays
an open task."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def remove_remark_copies(apps, schema_editor):
    comment = apps.get_model("reviews", "ReviewComment")
    sign_off = apps.get_model("reviews", "SignOff")
    approval = sign_off.objects.filter(
        decision="approved",
        review_request=OuterRef("review_request"),
        reviewer=OuterRef("author"),
        role=OuterRef("role"),
        comment=OuterRef("text"),
    )
    comment.objects.filter(status="open").exclude(role="").filter(Exists(approval)).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0008_tidy_typed_text")]

    operations = [migrations.RunPython(remove_remark_copies, migrations.RunPython.noop)]
