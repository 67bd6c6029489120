"""Reads of import and export jobs, through the scoping choke point."""

from .models import ExportJob, ImportJob


def import_jobs(user):
    return ImportJob.objects.restrict(user).select_related("user", "region")


def export_jobs(user):
    return ExportJob.objects.restrict(user).select_related("user", "region")
