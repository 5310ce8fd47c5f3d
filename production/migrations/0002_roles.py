"""The production and store groups, so a role is granted by adding a person to a group."""
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions are normally made after migrate; we need them now
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    production, _ = Group.objects.get_or_create(name="production")
    production.permissions.add(Permission.objects.get(codename="export_print_files", content_type__app_label="production"))
    Group.objects.get_or_create(name="store")


class Migration(migrations.Migration):
    dependencies = [("production", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
