import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

# The kind of page each page model makes, by model name, as therapies.models has it.
KIND_OF_MODEL = {
    "topic": "topic",
    "therapy": "therapy",
    "sideeffect": "side_effect",
    "glossaryterm": "glossary_term",
}


def copy_publications(apps, schema_editor):
    """The feed read the workflow's publication records; it now reads the published side only.
    Each record is copied with its id, which the feed's entry identifiers are made of, so feed
    readers do not see old entries as new."""
    Publication = apps.get_model("reviews", "Publication")
    PublishedChange = apps.get_model("therapies", "PublishedChange")
    PublishedChange.objects.bulk_create(
        [
            PublishedChange(
                pk=record.pk,
                kind=KIND_OF_MODEL[record.content_type.model],
                object_id=record.object_id,
                published_at=record.published_at,
                change_summary=record.summary,
                approved_by_id=record.approved_by_id,
            )
            for record in Publication.objects.select_related("content_type")
            if record.content_type.model in KIND_OF_MODEL
        ],
        batch_size=2000,
    )
    # Ids were given, so PostgreSQL's counter must move past them.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [PublishedChange]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0007_snapshots_and_authors'),
        ('therapies', '0009_shared_content_citations_and_limits'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('topic', 'topic'), ('therapy', 'therapy'), ('side_effect', 'side effect'), ('glossary_term', 'glossary term')], max_length=20)),
                ('object_id', models.PositiveBigIntegerField()),
                ('published_at', models.DateTimeField()),
                ('change_summary', models.TextField(blank=True)),
                ('approved_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reviews.reviewersnapshot')),
            ],
            options={
                'ordering': ['-published_at', '-pk'],
                'indexes': [models.Index(fields=['-published_at', '-id'], name='latest_changes')],
            },
        ),
        migrations.RunPython(copy_publications, migrations.RunPython.noop),
    ]
