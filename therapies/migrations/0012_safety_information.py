"""Safety information on drug and side-effect pages, as NHS.UK's medicine pages give it. Every
field starts empty: only what a cited source says goes in, and the dashboard lists the gaps."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0011_organisation_and_information_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="sideeffect",
            name="when_to_get_help",
            field=models.TextField(
                blank=True,
                help_text="Which signs mean calling the hospital team, 111 or 999, as a source says. Leave empty where no source says: the page then says nothing of its own.",
                max_length=10000,
            ),
        ),
        migrations.AddField(
            model_name="therapy",
            name="contact_team_straight_away",
            field=models.TextField(
                blank=True,
                help_text="The signs that mean contacting the hospital team at once. Shown in a marked box near the top of the page.",
                max_length=10000,
                verbose_name="contact your team straight away if",
            ),
        ),
        migrations.AddField(
            model_name="therapy",
            name="missed_dose",
            field=models.TextField(blank=True, max_length=10000, verbose_name="if you miss a dose"),
        ),
        migrations.AddField(
            model_name="therapy",
            name="other_medicines",
            field=models.TextField(
                blank=True,
                help_text="Medicines, remedies, foods and drinks that do not mix with it, in plain words.",
                max_length=10000,
            ),
        ),
        migrations.AddField(
            model_name="therapy",
            name="pregnancy_and_contraception",
            field=models.TextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="sideeffect",
            name="what_helps",
            field=models.TextField(blank=True, max_length=10000, verbose_name="what can help"),
        ),
    ]
