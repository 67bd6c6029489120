"""Reads the apps' services share."""


def saved(instance, *fields):
    """The values of ``fields`` of ``instance`` as stored in the database (a tuple), or None
    for an unsaved one. A bound ModelForm has written its cleaned data onto its instance by
    the time a service gets it, so the instance no longer tells what changed."""
    if instance is None or instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values_list(*fields).first()
