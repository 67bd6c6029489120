"""Reads the apps' services share."""


def saved(instance, *fields, lock=False):
    """The values of ``fields`` of ``instance`` as stored in the database (a tuple), or None
    for an unsaved one; with ``lock``, its row locked until the transaction ends. A bound
    ModelForm has written its cleaned data onto its instance by the time a service gets it,
    so the instance no longer tells what changed. Unscoped: the caller has checked access."""
    if instance is None or instance.pk is None:
        return None
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    return (rows.select_for_update() if lock else rows).values_list(*fields).first()
