"""Writes of visits, by subject: ``trips`` (a cadre's visit, a unit's visit, the policy's rule),
``anomalies`` (flags and their review), ``demands`` and ``deeds``; photos are ``visits.photos``.
Import from the module of the subject."""
