"""The REST API's common ground: scoped read-only viewsets, strict query parameters, bounded
pages, and errors that are always a 4xx with a message for bad input.

Each app declares its serializers and viewsets in its own ``api.py``; ``urls`` below gathers
them under /api/v1/. Every queryset starts from the reader's scope (``shuanglian.scoping``, each
app's ``access.py``), as the pages do.
"""
from __future__ import annotations

import copy

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, viewsets

from shuanglian import scoping

from .api_params import KnownParameters  # noqa: F401  the apps' computed lists name it from here


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A read-only resource whose rows come from a visibility function (an app's ``access.py``)."""

    visible = None  # e.g. households.access.visible_households

    def get_queryset(self):
        return type(self).visible(self.request.user)

    @property
    def scope(self) -> scoping.Scope:
        return scoping.scope_for(self.request.user)


class ComputedListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list computed by a selector (compliance, evaluation results): no detail route, rows
    narrowed to the scope by the selector's caller."""

    @property
    def scope(self) -> scoping.Scope:
        return scoping.scope_for(self.request.user)


class ModelSerializer(serializers.ModelSerializer):
    """A model serializer that builds its fields from the model once per class and language, not
    once per response: the stock one maps every model field to a serializer field on each use,
    the largest part of a list's time in Python after the database. The fields' labels and
    messages are written in the language of the request that builds them, hence one set per
    language. Each use gets its own copy, as a serializer's declared fields are copied for
    each use."""

    _built_fields: dict[tuple[type, str | None], dict] = {}

    def get_fields(self):
        key = (type(self), translation.get_language())
        if key not in ModelSerializer._built_fields:
            ModelSerializer._built_fields[key] = super().get_fields()
        return copy.deepcopy(ModelSerializer._built_fields[key])


class MaskedIdNumber(serializers.CharField):
    """An ID number, masked unless the user's role may see it in full."""

    def to_representation(self, value):
        return scoping.shown_id_number(self.context["request"].user, value)


def one_page(view, rows, serializer_class):
    """Page a list computed in Python (compliance, results) like the querysets."""
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(serializer_class(page, many=True, context=view.get_serializer_context()).data)


# --- filters shared by the apps' resources -------------------------------------------------------

import django_filters  # noqa: E402
from django import forms  # noqa: E402


def reader_of(filter_) -> object | None:
    """The user a filter answers (the request its FilterSet was made with)."""
    request = getattr(filter_.parent, "request", None)
    return getattr(request, "user", None)


class CodeFilter(django_filters.CharFilter):
    """A filter by a natural key of a record the reader may see:
    ``CodeFilter(visible=visible_units, key="code", path="unit__code")``. A key outside
    the reader's scope gets the same 400 as one that does not exist, so the answer cannot tell
    whether another county holds it."""

    def __init__(self, *args, visible, key: str, path: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible, self.key, self.path = visible, key, path

    def filter(self, qs, value):
        if not value:
            return qs
        if not self.visible(reader_of(self)).filter(**{self.key: value}).exists():
            raise exceptions.ValidationError({self.field_name: [_("“%(value)s”不存在或不在您的范围内。") % {"value": value}]})
        return qs.filter(**{self.path: value})


class IdFilter(django_filters.NumberFilter):
    """``?cadre=ID``: an internal id, a whole number the database's integers can hold (a bigger
    one would overflow SQLite's integers instead of matching nothing)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MaskedPhone(serializers.CharField):
    """A mobile number, masked like ID numbers unless the user's role may see it."""

    def to_representation(self, value):
        return scoping.shown_phone(self.context["request"].user, value)


class YesNoFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` (or ``1``/``0``) and nothing else: a typo is a 400, not an ignored filter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)
