"""Reads of users (always scoped)."""

from django.contrib.auth.models import Group
from django.db.models import Prefetch

from .models import User


def user_list(actor):
    return (
        User.objects.restrict(actor, "view")
        .select_related("region")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
    )
