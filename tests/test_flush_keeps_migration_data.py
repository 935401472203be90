"""The rows migrations seed come back after a flush (tests/conftest.py), whatever test
pytest-xdist hands a worker after a live-server or transactional test."""

import pytest
from django.core.management import call_command

from provision.models import Strategy
from sendhub.models import NationalComparison


@pytest.mark.django_db(transaction=True)
def test_a_flush_puts_the_starter_library_and_national_figures_back():
    call_command("flush", "--noinput")
    assert Strategy.objects.filter(school__isnull=True).count() >= 40
    assert NationalComparison.objects.filter(school__isnull=True).count() == 3
