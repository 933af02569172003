import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


def counties_from_municipalities(apps, schema_editor):
    """Every library so far has a municipality: its county is the municipality's."""
    if schema_editor.connection.vendor == "postgresql":
        # Check the foreign keys now, so that the column can be made NOT NULL in
        # the same transaction (no pending deferred checks on the table).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Library = apps.get_model("libraries", "Library")
    Municipality = apps.get_model("libraries", "Municipality")
    county_of = dict(Municipality.objects.values_list("pk", "county_id"))
    for library in Library.objects.filter(county__isnull=True).only("pk", "municipality_id"):
        Library.objects.filter(pk=library.pk).update(county_id=county_of[library.municipality_id])


class Migration(migrations.Migration):
    # Before the toolkit's first migration: its models point at the sign-in app's
    # swapped ones, and until those exist no migration can build historical models.
    run_before = [("oauth2_provider", "0001_initial")]
    dependencies = [("libraries", "0002_counties")]

    operations = [
        migrations.CreateModel(
            name="DirectorySync",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("started_at", models.DateTimeField(verbose_name="started")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                ("source", models.CharField(max_length=500, verbose_name="source")),
                ("since", models.DateField(blank=True, null=True, verbose_name="changed since")),
                ("ok", models.BooleanField(default=False, verbose_name="succeeded")),
                ("summary", models.CharField(blank=True, max_length=300, verbose_name="summary")),
                ("error", models.TextField(blank=True, verbose_name="error")),
            ],
            options={
                "verbose_name": "directory sync",
                "verbose_name_plural": "directory syncs",
                "ordering": ["-started_at"],
            },
        ),
        migrations.AddField(
            model_name="library",
            name="sigel",
            field=models.CharField(
                blank=True,
                default="",
                help_text="The library's code in Biblioteksdatabasen (its ISIL is SE- and the sigel). Empty until the library is matched with the directory.",
                max_length=20,
                verbose_name="sigel",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="library",
            name="library_type",
            field=models.CharField(
                choices=[
                    ("folkbibliotek", "Public library"),
                    ("skolbibliotek", "School library"),
                    ("folkhogskolebibliotek", "Folk high school library"),
                    ("hogskolebibliotek", "University library"),
                    ("regionbibliotek", "Regional library"),
                    ("sjukhusbibliotek", "Hospital library"),
                    ("nationalbibliotek", "National library"),
                    ("myndighetsbibliotek", "Government agency library"),
                    ("museibibliotek", "Museum library"),
                    ("specialbibliotek", "Special library"),
                    ("ovrigt", "Other"),
                ],
                default="folkbibliotek",
                max_length=30,
                verbose_name="library type",
            ),
        ),
        migrations.AddField(
            model_name="library",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="libraries",
                to="libraries.county",
                verbose_name="county",
            ),
        ),
        migrations.RunPython(counties_from_municipalities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="library",
            name="county",
            field=models.ForeignKey(
                blank=True,
                help_text="Filled in from the municipality when left empty.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="libraries",
                to="libraries.county",
                verbose_name="county",
            ),
        ),
        migrations.AlterField(
            model_name="library",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a library of a whole region (a county), such as its hospital libraries.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="libraries",
                to="libraries.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name="library",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("sigel"),
                condition=models.Q(("sigel", ""), _negated=True),
                name="library_sigel_unique_ci",
            ),
        ),
    ]
