"""The one scoping choke point: ``Model.objects.restrict(user, action)``.

Region codes are hierarchical strings (province 2, city 4, county 6, township 9, village 12
significant digits, padded to 12), so "my region and below" is a prefix match on an indexed
column. Every model a user can reach inherits :class:`ScopedQuerySet`; views, API viewsets,
exports, counts and charts read through ``restrict`` and nothing else.

Rules, in order:

1. anonymous or inactive users see nothing;
2. the user needs the model permission for the action (``view``, ``add``, ``change``,
   ``delete``) — otherwise nothing;
3. superusers see everything;
4. a user without a data-scope region sees nothing (never everything);
5. otherwise rows whose ``scope_field`` starts with the user's scope prefix.
"""

from collections import defaultdict

from django.db import models

ACTIONS = ("view", "add", "change", "delete")


def visible(user, objects):
    """The ``(model, pk)`` of those of ``objects`` (model instances, other values ignored)
    that ``user`` may see, through each model's ``restrict``: one query per model. Objects
    of models without ``restrict`` are never visible (they have no page of their own)."""
    wanted = defaultdict(set)
    for obj in objects:
        if hasattr(obj, "pk") and hasattr(getattr(type(obj), "objects", None), "restrict"):
            wanted[type(obj)].add(obj.pk)
    return {
        (model, pk)
        for model, pks in wanted.items()
        for pk in model.objects.restrict(user).filter(pk__in=pks).values_list("pk", flat=True)
    }


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the ``restrict`` choke point; the model names its region column."""

    def restrict(self, user, action="view"):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self.none()
        if user.is_superuser:
            return self
        prefix = user.scope_prefix
        if not prefix:
            return self.none()
        return self.filter(self.model.scope_q(user, prefix, action))


class ScopedModel(models.Model):
    """Base for every region-scoped model.

    ``scope_field`` is the lookup path to a 12-digit region code. ``region__code`` reads the
    ``region_id`` column itself (no join): :class:`Region` is keyed by its code.

    ``operator_field`` is the path from a row to the users operating its workshop. Workshop
    operators (users bound to workshops) see only rows reached through it: their workshops,
    positions, roster and the laborers on it, wherever those live. ``None`` leaves the model
    scoped by region alone (permissions decide whether operators see it at all). A model with
    yet another rule overrides :meth:`scope_q`, still reached only through ``restrict``.
    """

    scope_field = "region__code"
    operator_field = None

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, user, prefix, action="view"):
        if cls.operator_field and user.bound_to_workshops:
            # the workshops an administrator bound them to, wherever their roster lives
            bound = cls._base_manager.filter(**{cls.operator_field: user}).values("pk")
            return models.Q(pk__in=bound)
        return models.Q(**{f"{cls.scope_field}__startswith": prefix})

    def get_scope_code(self):
        """The region code this object is scoped by (follows ``scope_field``)."""
        value = self
        for part in self.scope_field.split("__"):
            if value is None:
                return None
            value = getattr(value, part)
        return value
