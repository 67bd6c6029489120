"""DRF permission class for every API view (kept apart from ``api.py`` to avoid an import cycle
with DRF's settings)."""

from rest_framework import permissions

# HTTP method → the scoping action (and model permission) it needs.
METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class ScopedModelPermissions(permissions.DjangoModelPermissions):
    """Model permissions for every method, reads included (``view_<model>``)."""

    perms_map = {
        method: [f"%(app_label)s.{action}_%(model_name)s"]
        for method, action in METHOD_ACTIONS.items()
    }
