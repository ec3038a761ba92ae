"""Writes of visits, by subject: ``trips`` (a cadre's visit, a unit's visit, the policy's rule),
``anomalies`` (flags and their review), ``demands`` and ``deeds``; photos are ``visits.photos``.

Import from the module of the subject. The names below are still read from the package by
shuanglian/demo.py and shuanglian/scale.py, until those import from the modules too.
"""
from .anomalies import flag_anomalies
from .deeds import record_deed
from .demands import advance_demand, record_demand
from .trips import check_visit

__all__ = ["advance_demand", "check_visit", "flag_anomalies", "record_deed", "record_demand"]
