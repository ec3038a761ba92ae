"""The API's model serializers build their fields from the model once per class
(``shuanglian.api.ModelSerializer``): each use still gets fields of its own, the same as the
stock serializer would build."""
import pytest
from django.utils import translation
from rest_framework import serializers

import shuanglian.api_urls  # noqa: F401  every app's resources, so every serializer is defined
from households.api import HouseholdSerializer, area_in_reach
from shuanglian import scoping
from shuanglian.api import ModelSerializer
from visits.api import VisitSerializer

pytestmark = pytest.mark.django_db


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _shape(fields: dict) -> list:
    return [(name, type(field), field.source, field.read_only, field.required, str(field.label)) for name, field in
            fields.items()]


@pytest.mark.parametrize("serializer", sorted(_all_subclasses(ModelSerializer), key=lambda c: c.__qualname__),
                         ids=lambda c: c.__qualname__)
def test_every_api_serializer_has_the_fields_the_stock_serializer_builds(serializer):
    ours = serializer().get_fields()
    stock = serializers.ModelSerializer.get_fields(serializer())
    assert _shape(ours) == _shape(stock)


@pytest.mark.parametrize("serializer", [HouseholdSerializer, VisitSerializer])
def test_a_serializers_fields_speak_the_language_of_the_request(serializer):
    with translation.override("en"):
        english = _shape(serializer().get_fields())
    with translation.override("zh-hans"):
        chinese = _shape(serializer().get_fields())
        assert chinese == _shape(serializers.ModelSerializer.get_fields(serializer()))
    assert chinese != english


@pytest.mark.parametrize("serializer", [HouseholdSerializer, VisitSerializer])
def test_each_use_of_a_serializer_gets_fields_of_its_own(serializer):
    first, second = serializer(), serializer()
    first.fields.pop("start" if "start" in first.fields else "number")
    assert not set(map(id, first.fields.values())) & set(map(id, second.fields.values()))
    assert len(second.fields) == len(serializer().fields) == len(first.fields) + 1


def test_an_area_in_reach_is_checked_in_one_statement(counties, leader, django_assert_num_queries):
    scoping.scope_for(leader)  # the reader's scope is resolved once per request, before the filters
    with django_assert_num_queries(1):
        assert area_in_reach(leader, "620502100001")
    with django_assert_num_queries(1):
        assert not area_in_reach(leader, "620503100001")  # the next county: not the reader's


def test_an_area_above_the_readers_own_is_in_reach_and_a_made_up_one_is_not(counties, leader):
    assert area_in_reach(leader, "620000000000") and not area_in_reach(leader, "620599000000")
