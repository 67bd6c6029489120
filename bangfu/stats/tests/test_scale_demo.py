"""The scale dataset for benchmarks (``bangfu demo --scale N``)."""

import pytest

from bangfu.labor.models import Employment, Laborer
from bangfu.stats.demo import load_scale
from bangfu.workshops.models import StatusChange


@pytest.mark.django_db
def test_the_scale_dataset_loads_with_its_values_as_the_models_read_them():
    """``load_scale`` writes with COPY (binary on PostgreSQL): JSON as JSON, dates as dates."""
    load_scale(60)
    assert Laborer.objects.count() == 60 and Employment.objects.exists()
    assert all(change.check_result == [] for change in StatusChange.objects.all()[:20])
    assert Laborer.objects.filter(birth_date__isnull=False).count() == 60
