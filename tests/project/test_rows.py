"""Model instances made from a hand-written statement's row behave as the ORM's own."""

import pytest
from django.db.models.signals import post_init

from foodbank.db import rows
from foodbank.districts.models import District

pytestmark = pytest.mark.django_db


def test_a_loaded_instance_is_as_only_would_read_it(districts, django_assert_num_queries):
    stored = District.objects.get(code="1001")
    read = District.objects.only("code", "group_id").get(pk=stored.pk)

    made = rows.loaded(District, id=stored.pk, code=stored.code, group_id=stored.group_id)

    assert (made.pk, made.code, made.group_id) == (read.pk, read.code, read.group_id)
    assert made.get_deferred_fields() == read.get_deferred_fields()
    assert (made._state.adding, made._state.db) == (False, "default")
    assert made == read
    with django_assert_num_queries(1):
        assert made.name_en == stored.name_en  # a deferred field is read when first used
    made.code = "1001X"
    made.save(update_fields=["code"])  # an update of the row, not an insert
    assert District.objects.get(pk=stored.pk).code == "1001X"


def test_a_model_someone_listens_for_is_made_with_its_signals(districts):
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.code)

    rows.loaded(District, id=1, code="1001", group_id=1)  # before anyone listens
    post_init.connect(listener, sender=District)
    try:
        rows.loaded(District, id=1, code="1002", group_id=1)
    finally:
        post_init.disconnect(listener, sender=District)
    assert heard == ["1002"]
    rows.loaded(District, id=1, code="1003", group_id=1)
    assert heard == ["1002"]
