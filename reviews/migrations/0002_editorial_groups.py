from django.contrib.auth.management import create_permissions
from django.db import migrations

# The editorial groups as they were when this migration was written (reviews/roles.py).
GROUP_PERMISSIONS = {   'Clinical reviewers': [   ('therapies', 'view_therapy'),
                              ('therapies', 'view_brandname'),
                              ('therapies', 'view_indication'),
                              ('therapies', 'view_therapysideeffect'),
                              ('therapies', 'view_availability'),
                              ('therapies', 'view_sideeffect'),
                              ('therapies', 'view_condition'),
                              ('therapies', 'view_drugclass'),
                              ('therapies', 'view_dosageform'),
                              ('therapies', 'view_reference'),
                              ('therapies', 'view_glossaryterm'),
                              ('therapies', 'view_topic'),
                              ('therapies', 'view_topicsection'),
                              ('therapies', 'view_topicsectiontherapy'),
                              ('therapies', 'view_publishedpage'),
                              ('reviews', 'view_reviewrequest'),
                              ('reviews', 'view_signoff'),
                              ('reviews', 'view_auditevent'),
                              ('reviews', 'view_pagereview'),
                              ('reviews', 'view_reviewer'),
                              ('reviews', 'sign_off_clinical')],
    'Editors': [   ('therapies', 'view_therapy'),
                   ('therapies', 'view_brandname'),
                   ('therapies', 'view_indication'),
                   ('therapies', 'view_therapysideeffect'),
                   ('therapies', 'view_availability'),
                   ('therapies', 'view_sideeffect'),
                   ('therapies', 'view_condition'),
                   ('therapies', 'view_drugclass'),
                   ('therapies', 'view_dosageform'),
                   ('therapies', 'view_reference'),
                   ('therapies', 'view_glossaryterm'),
                   ('therapies', 'view_topic'),
                   ('therapies', 'view_topicsection'),
                   ('therapies', 'view_topicsectiontherapy'),
                   ('therapies', 'view_publishedpage'),
                   ('reviews', 'view_reviewrequest'),
                   ('reviews', 'view_signoff'),
                   ('reviews', 'view_auditevent'),
                   ('reviews', 'view_pagereview'),
                   ('reviews', 'view_reviewer'),
                   ('therapies', 'add_therapy'),
                   ('therapies', 'change_therapy'),
                   ('therapies', 'delete_therapy'),
                   ('therapies', 'add_brandname'),
                   ('therapies', 'change_brandname'),
                   ('therapies', 'delete_brandname'),
                   ('therapies', 'add_indication'),
                   ('therapies', 'change_indication'),
                   ('therapies', 'delete_indication'),
                   ('therapies', 'add_therapysideeffect'),
                   ('therapies', 'change_therapysideeffect'),
                   ('therapies', 'delete_therapysideeffect'),
                   ('therapies', 'add_availability'),
                   ('therapies', 'change_availability'),
                   ('therapies', 'delete_availability'),
                   ('therapies', 'add_sideeffect'),
                   ('therapies', 'change_sideeffect'),
                   ('therapies', 'delete_sideeffect'),
                   ('therapies', 'add_condition'),
                   ('therapies', 'change_condition'),
                   ('therapies', 'delete_condition'),
                   ('therapies', 'add_drugclass'),
                   ('therapies', 'change_drugclass'),
                   ('therapies', 'delete_drugclass'),
                   ('therapies', 'add_dosageform'),
                   ('therapies', 'change_dosageform'),
                   ('therapies', 'delete_dosageform'),
                   ('therapies', 'add_reference'),
                   ('therapies', 'change_reference'),
                   ('therapies', 'delete_reference'),
                   ('therapies', 'add_glossaryterm'),
                   ('therapies', 'change_glossaryterm'),
                   ('therapies', 'delete_glossaryterm'),
                   ('therapies', 'add_topic'),
                   ('therapies', 'change_topic'),
                   ('therapies', 'delete_topic'),
                   ('therapies', 'add_topicsection'),
                   ('therapies', 'change_topicsection'),
                   ('therapies', 'delete_topicsection'),
                   ('therapies', 'add_topicsectiontherapy'),
                   ('therapies', 'change_topicsectiontherapy'),
                   ('therapies', 'delete_topicsectiontherapy'),
                   ('reviews', 'submit_for_review')],
    'Lay reviewers': [   ('therapies', 'view_therapy'),
                         ('therapies', 'view_brandname'),
                         ('therapies', 'view_indication'),
                         ('therapies', 'view_therapysideeffect'),
                         ('therapies', 'view_availability'),
                         ('therapies', 'view_sideeffect'),
                         ('therapies', 'view_condition'),
                         ('therapies', 'view_drugclass'),
                         ('therapies', 'view_dosageform'),
                         ('therapies', 'view_reference'),
                         ('therapies', 'view_glossaryterm'),
                         ('therapies', 'view_topic'),
                         ('therapies', 'view_topicsection'),
                         ('therapies', 'view_topicsectiontherapy'),
                         ('therapies', 'view_publishedpage'),
                         ('reviews', 'view_reviewrequest'),
                         ('reviews', 'view_signoff'),
                         ('reviews', 'view_auditevent'),
                         ('reviews', 'view_pagereview'),
                         ('reviews', 'view_reviewer'),
                         ('reviews', 'sign_off_lay')],
    'Senior medical editors': [   ('therapies', 'view_therapy'),
                                  ('therapies', 'view_brandname'),
                                  ('therapies', 'view_indication'),
                                  ('therapies', 'view_therapysideeffect'),
                                  ('therapies', 'view_availability'),
                                  ('therapies', 'view_sideeffect'),
                                  ('therapies', 'view_condition'),
                                  ('therapies', 'view_drugclass'),
                                  ('therapies', 'view_dosageform'),
                                  ('therapies', 'view_reference'),
                                  ('therapies', 'view_glossaryterm'),
                                  ('therapies', 'view_topic'),
                                  ('therapies', 'view_topicsection'),
                                  ('therapies', 'view_topicsectiontherapy'),
                                  ('therapies', 'view_publishedpage'),
                                  ('reviews', 'view_reviewrequest'),
                                  ('reviews', 'view_signoff'),
                                  ('reviews', 'view_auditevent'),
                                  ('reviews', 'view_pagereview'),
                                  ('reviews', 'view_reviewer'),
                                  ('reviews', 'give_final_approval'),
                                  ('reviews', 'withdraw_page'),
                                  ('reviews', 'add_pagereview'),
                                  ('reviews', 'change_pagereview')]}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in wanted
            ]
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("therapies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
