"""Revision files are named (several parts and previews per side), not one per kind."""
from django.db import migrations, models


def name_existing_files(apps, schema_editor):
    RevisionFile = apps.get_model("configurator", "RevisionFile")
    for stored in RevisionFile.objects.select_related("revision__design__template"):
        slug = stored.revision.design.template.slug
        stored.name = "preview.png" if stored.kind == "png" else f"{slug}.{stored.kind}"
        stored.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("configurator", "0001_initial")]

    operations = [
        migrations.AddField(model_name="revisionfile", name="name", field=models.CharField(default="", max_length=80),
                            preserve_default=False),
        migrations.RunPython(name_existing_files, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="revisionfile", name="unique_revision_file"),
        migrations.AddConstraint(
            model_name="revisionfile",
            constraint=models.UniqueConstraint(fields=("revision", "side", "name"), name="unique_revision_file_name"),
        ),
        migrations.AlterModelOptions(name="revisionfile", options={"ordering": ["side", "kind", "name"]}),
    ]
