"""A note of what changed, written for readers, apart from the summary written for reviewers.

Until now the summary sent with a change (or, for the seed, "First published here: …") was
published as the page's "Latest change" and in the feed. None of those notes was written for
readers, so every published one is cleared: the summaries stay where the editorial team reads
them (the review request, the publication, the production record), and readers see a note only
once an editor writes one for them.

A review that found nothing to change, approved after the page's last publication, is that
page's latest final approval: the published page names its approver from now on (see
reviews.services.sign_off), and this names them on the pages reviewed so before.
"""

import uuid

from django.db import migrations, models
from django.utils import timezone


def clear_notes_and_name_latest_approvers(apps, schema_editor):
    published_page = apps.get_model("therapies", "PublishedPage")
    published_change = apps.get_model("therapies", "PublishedChange")
    review_request = apps.get_model("reviews", "ReviewRequest")
    sign_off = apps.get_model("reviews", "SignOff")
    changed = published_page._base_manager.exclude(change_summary="").update(change_summary="")
    changed += published_change._base_manager.exclude(change_summary="").update(change_summary="")
    for page in published_page._base_manager.filter(review__isnull=False).select_related("review"):
        confirmed = (
            review_request._base_manager.filter(
                content_type_id=page.review.content_type_id,
                object_id=page.review.object_id,
                state="confirmed",
                closed_at__gt=page.published_at,
            )
            .order_by("-closed_at")
            .first()
        )
        if confirmed is None:
            continue
        final = sign_off._base_manager.filter(
            review_request=confirmed,
            role="senior_medical_editor",
            decision="approved",
            signer__isnull=False,
        ).first()
        if final and final.signer_id != page.approved_by_id:
            published_page._base_manager.filter(pk=page.pk).update(approved_by=final.signer_id)
            changed += 1
    if changed:
        # Cached public pages are filed under the edition: a new one, so none shows an old note.
        edition = apps.get_model("therapies", "SiteEdition")
        values = {"token": uuid.uuid4().hex, "changed_at": timezone.now()}
        if not edition._base_manager.filter(pk=1).update(**values):
            edition._base_manager.create(pk=1, **values)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_approval_remarks_on_sign_offs"),
        ("therapies", "0010_latest_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewrequest",
            name="reader_note",
            field=models.TextField(
                blank=True,
                help_text="Published with the page, dated, and in the feed of latest changes "
                "when this change is approved. Empty: readers are told nothing of this change.",
                max_length=1000,
                verbose_name="what changed, for readers",
            ),
        ),
        migrations.RunPython(clear_notes_and_name_latest_approvers, migrations.RunPython.noop),
    ]
