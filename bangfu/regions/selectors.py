"""Reads of the region tree (always scoped)."""

from django.db.models import Count

from .models import Region


def visible_regions(user):
    return Region.objects.restrict(user, "view")


def region_list(user):
    return (
        visible_regions(user)
        .select_related("parent")
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def scope_roots(user):
    """The top regions of the user's visible tree (their scope region, or the roots)."""
    regions = visible_regions(user)
    if user.is_superuser:
        return regions.filter(parent__isnull=True)
    return regions.filter(code=user.region_id)


def children(user, region):
    return (
        visible_regions(user)
        .filter(parent=region)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
