from django.db import migrations, models

from therapies.migration_operations import grant_to_groups

# Information pages are content like any other (reviews/roles.py): editors write them, every
# group reads them. The organisation's settings are an administrator's, so no group has them.
INFORMATION_PAGE_PERMISSIONS = {
    "Editors": ["view", "add", "change", "delete"],
    "Clinical reviewers": ["view"],
    "Lay reviewers": ["view"],
    "Senior medical editors": ["view"],
}


def the_organisation(apps, schema_editor):
    """The one row of settings, as this charity starts: its name, no contact address or
    support line until an administrator enters real ones, and no PIF TICK claimed (the site
    holds no certificate that says otherwise)."""
    apps.get_model("therapies", "Organisation").objects.get_or_create(
        pk=1, defaults={"name": "sarcomainfo", "logo_text": "sarcomainfo"}
    )


def information_pages_for_every_group(apps, schema_editor):
    grant_to_groups(apps, "informationpage", INFORMATION_PAGE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0010_latest_changes"),
        # The editorial groups, which the information pages' permissions are given to.
        ("reviews", "0009_approval_remarks_on_sign_offs"),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        default="sarcomainfo",
                        help_text="The organisation's name, as in the footer and page titles.",
                        max_length=200,
                    ),
                ),
                (
                    "logo_text",
                    models.CharField(
                        default="sarcomainfo",
                        help_text="The words shown as the logo at the top of every page.",
                        max_length=100,
                    ),
                ),
                (
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="Where readers can write to us. Shown on every page once filled in.",
                        max_length=254,
                        verbose_name="contact e-mail",
                    ),
                ),
                (
                    "support_line_name",
                    models.CharField(
                        blank=True,
                        help_text="e.g. Sarcoma Support Line. Leave empty if there is none: no support line is shown.",
                        max_length=200,
                    ),
                ),
                (
                    "support_line_phone",
                    models.CharField(
                        blank=True, max_length=40, verbose_name="support line phone number"
                    ),
                ),
                (
                    "support_line_hours",
                    models.CharField(
                        blank=True,
                        help_text="e.g. Monday to Friday, 9am to 5pm",
                        max_length=200,
                        verbose_name="support line opening hours",
                    ),
                ),
                (
                    "holds_pif_tick",
                    models.BooleanField(
                        default=False,
                        help_text="Tick only while the organisation is certified by the Patient Information Forum's quality mark: pages show the mark only then.",
                        verbose_name="holds the PIF TICK",
                    ),
                ),
            ],
            options={
                "verbose_name": "organisation settings",
                "verbose_name_plural": "organisation settings",
            },
        ),
        migrations.AddField(
            model_name="topic",
            name="adapted_from_organisation",
            field=models.CharField(
                blank=True,
                help_text="If this page is adapted from another organisation's, its name: Macmillan Cancer Support.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="adapted_from_reviewed",
            field=models.DateField(
                blank=True, help_text="When that organisation last reviewed its page.", null=True
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="adapted_from_title",
            field=models.CharField(
                blank=True, help_text="The title of the page it is adapted from.", max_length=300
            ),
        ),
        migrations.AlterField(
            model_name="feedback",
            name="kind",
            field=models.CharField(
                choices=[
                    ("topic", "topic"),
                    ("therapy", "therapy"),
                    ("side_effect", "side effect"),
                    ("glossary_term", "glossary term"),
                    ("information", "information page"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="publishedchange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("topic", "topic"),
                    ("therapy", "therapy"),
                    ("side_effect", "side effect"),
                    ("glossary_term", "glossary term"),
                    ("information", "information page"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="publishedpage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("topic", "topic"),
                    ("therapy", "therapy"),
                    ("side_effect", "side effect"),
                    ("glossary_term", "glossary term"),
                    ("information", "information page"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="readinglevel",
            name="kind",
            field=models.CharField(
                choices=[
                    ("topic", "topic"),
                    ("therapy", "therapy"),
                    ("side_effect", "side effect"),
                    ("glossary_term", "glossary term"),
                    ("information", "information page"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="withdrawnpage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("topic", "topic"),
                    ("therapy", "therapy"),
                    ("side_effect", "side effect"),
                    ("glossary_term", "glossary term"),
                    ("information", "information page"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="InformationPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("edit_version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "title",
                    models.CharField(
                        help_text="e.g. Accessibility statement", max_length=300, unique=True
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Its address: /about/<slug>/, e.g. accessibility",
                        max_length=200,
                        unique=True,
                    ),
                ),
                ("body", models.TextField(max_length=10000)),
                (
                    "references",
                    models.ManyToManyField(
                        blank=True, related_name="information_pages", to="therapies.reference"
                    ),
                ),
            ],
            options={
                "verbose_name": "information page",
                "ordering": ["title"],
            },
        ),
        migrations.RunPython(the_organisation, migrations.RunPython.noop),
        migrations.RunPython(information_pages_for_every_group, migrations.RunPython.noop),
    ]
