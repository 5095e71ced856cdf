"""Every model has a factory, and every factory builds a row the database accepts."""

import pytest
from django.apps import apps

from tests.factories import ALL_FACTORIES as BASE_FACTORIES
from tests.factories_ops import OPS_FACTORIES

ALL_FACTORIES = BASE_FACTORIES | OPS_FACTORIES

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_every_model_has_a_factory() -> None:
    models = set(apps.get_app_config("coding").get_models())
    assert models - set(ALL_FACTORIES) == set()


@pytest.mark.parametrize("factory", list(ALL_FACTORIES.values()), ids=lambda f: f.__name__)
def test_factory_creates_a_valid_row(factory) -> None:  # type: ignore[no-untyped-def]
    obj = factory()
    model = factory._meta.model
    assert model.objects.filter(pk=obj.pk).exists()
    obj.full_clean(validate_unique=True, validate_constraints=True)
