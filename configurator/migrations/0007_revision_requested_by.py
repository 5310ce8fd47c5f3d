import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each revision records who asked for it and through which channel (web, store, app, api)."""

    dependencies = [
        ("configurator", "0006_order_lifecycle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="designrevision",
            name="requested_by",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="designrevision",
            name="requested_channel",
            field=models.CharField(
                choices=[("web", "Web"), ("store", "Store"), ("app", "App"), ("api", "Integration")],
                default="web", max_length=10,
            ),
        ),
    ]
