"""The viewer and operator groups (see dashboard/roles.py). Idempotent: running it again, or
on a database where the groups already exist, only adds missing permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = {
    "ingestion": ("source", "ingestionrun", "runsource", "runurl", "heldarchive"),
    "extraction": ("job", "shadowjob"),
    "tracking": ("pipelinejob", "incident"),
}
VIEWER = [(app, f"view_{model}") for app, models in MODELS.items() for model in models]
OPERATOR = [
    *VIEWER,
    ("ingestion", "change_ingestionrun"),  # start, reset, cancel runs; retry failed URLs
    ("ingestion", "change_source"),  # run now, enable, disable
    ("ingestion", "change_heldarchive"),  # approve, reject
    ("tracking", "change_incident"),  # resolve
]
ROLES = {"viewer": VIEWER, "operator": OPERATOR}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate); make them now so
    # the groups can hold them on a fresh database.
    for label in MODELS:
        config = apps.get_app_config(label)
        config.models_module = True  # create_permissions skips apps without one
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ingestion", "0004_delisting_safety"),
        ("extraction", "0004_job_missed_listings"),
        ("tracking", "0003_ledger_task_finished_index"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
