from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "xinxuan.files"
    label = "files"
    verbose_name = _("Files")
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from wagtail.permissions import register_permission_policy

        from xinxuan.files.models import UnitDocument, UnitImage
        from xinxuan.files.permissions import UnitFilePermissionPolicy
        from xinxuan.files.roles import sync_collection_permissions_after_migrate

        # Registered for the exact class, so it wins over the collection-only policy
        # that wagtail.images and wagtail.documents register for the swapped models.
        for model, auth_model in (
            (UnitImage, "wagtailimages.Image"),
            (UnitDocument, "wagtaildocs.Document"),
        ):
            register_permission_policy(
                model,
                UnitFilePermissionPolicy(model, auth_model=auth_model),
                exact_class=True,
            )
        post_migrate.connect(
            sync_collection_permissions_after_migrate, dispatch_uid="xinxuan-file-permissions"
        )
