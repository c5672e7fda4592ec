from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Group name -> {app label: {model: actions}}. Editors may delete drafts only (the admin enforces it).
ROLES = {
    "Editors": {
        "articles": {
            "article": ["add", "change", "view", "delete"],
            "faq": ["add", "change", "view", "delete"],
            "reference": ["add", "change", "view", "delete"],
            "articleproduct": ["add", "change", "view", "delete"],
            "category": ["add", "change", "view"],
            "author": ["add", "change", "view"],
            # Not delete: the footer and readers link to these pages (a superuser can).
            "editorialpage": ["add", "change", "view"],
        },
        # To pick the products a guide mentions.
        "catalogue": {"product": ["view"], "supplementfacts": ["view"], "ingredient": ["view"]},
    },
    "Shop managers": {
        "catalogue": {
            "product": ["add", "change", "view", "delete"],
            "productcategory": ["add", "change", "view", "delete"],  # one with products is protected
            "supplementfacts": ["add", "change", "view", "delete"],
            "ingredient": ["add", "change", "view", "delete"],
        },
        "cart": {
            "cartline": ["view"],
            "coupon": ["add", "change", "view", "delete"],
        },
        "orders": {
            "order": ["change", "view"],
            "orderline": ["view"],
            "orderevent": ["view"],
            "paymentmethod": ["add", "change", "view", "delete"],
        },
        "django_tasks_database": {"dbtaskresult": ["view"]},  # failed emails stay visible
    },
}


class Command(BaseCommand):
    help = "Create or update the staff groups 'Editors' and 'Shop managers'. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, apps in ROLES.items():
            codenames = [
                (app, f"{action}_{model}") for app, models in apps.items() for model, actions in models.items()
                for action in actions
            ]  # fmt: skip
            # One query for all of them; a name that matches no permission (a renamed model) stops here.
            found = {
                (permission.content_type.app_label, permission.codename): permission
                for permission in Permission.objects.filter(
                    codename__in=[codename for _, codename in codenames]
                ).select_related("content_type")
            }
            if missing := [f"{app}.{codename}" for app, codename in codenames if (app, codename) not in found]:
                raise CommandError(f"No such permission: {', '.join(missing)}")
            permissions = [found[key] for key in codenames]
            group, created = Group.objects.get_or_create(name=name)
            group.permissions.set(permissions)
            self.stdout.write(
                f"{'Created' if created else 'Updated'} group '{name}' with {len(permissions)} permissions."
            )
