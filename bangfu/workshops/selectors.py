"""Reads of enterprises, workshops and positions (always scoped)."""

from django.db.models import Count

from .models import Enterprise, Position, Workshop


def enterprise_list(user):
    return (
        Enterprise.objects.restrict(user)
        .select_related("region")
        .annotate(workshop_count=Count("workshops"))
        .order_by("name", "pk")
    )


def workshop_list(user):
    return Workshop.objects.restrict(user).select_related("enterprise", "region", "workshop_type")


def position_list(user):
    return Position.objects.restrict(user).select_related("workshop")


def roster(user, workshop):
    """Employment at a workshop visible to the user, open first."""
    from bangfu.labor.models import Employment

    return (
        Employment.objects.restrict(user)
        .filter(workshop=workshop)
        .select_related("laborer", "position")
        .order_by("end_date", "-start_date")
    )
