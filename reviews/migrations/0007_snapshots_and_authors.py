from django.conf import settings
from django.db import migrations, models


def record_authors_of_open_reviews(apps, schema_editor):
    """A change in review keeps who wrote it, so the sign-off rule need not work it out on
    every page view. Changes already in review get theirs here, found as the workflow finds
    them (reviews.authorship): closed ones take no more sign-offs and are left without."""
    from reviews.authorship import authors_of_request
    from reviews.models import ReviewRequest

    # Only the columns there are at this point in the migrations, and that the rule reads:
    # the model is today's, and may have columns added by later migrations.
    in_review = ReviewRequest.objects.filter(state="in_review").only(
        "content_type", "object_id", "revision", "snapshot", "submitted_by", "submitted_at"
    )
    for request in in_review:
        request.authors.set([author.user for author in authors_of_request(request)])


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("reviews", "0006_reviewer_snapshots_and_limits"),
    ]

    operations = [
        # "Publication" is the record of a page being published; what a review request and a
        # publication freeze of a page is its snapshot.
        migrations.RenameField("reviewrequest", "publication", "snapshot"),
        migrations.RenameField("publication", "publication", "snapshot"),
        migrations.AddField(
            model_name="reviewrequest",
            name="authors",
            field=models.ManyToManyField(
                blank=True,
                help_text="Everyone who wrote any part of the change, and whoever sent it, as "
                "found when it was sent (reviews.authorship): none of them may sign it off.",
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(record_authors_of_open_reviews, migrations.RunPython.noop),
    ]
