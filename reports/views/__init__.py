"""Pages of the reports app, all scoped to the user's area or unit, one module per subject:

- ``reports``: the list of reports, requesting one, its progress, download and print page;
- ``ledger``: the illustrated ledger download;
- ``submissions``: on-time monthly reporting (the month's picture, submitting, reviewing);
- ``notices``: marking notices read.

The dashboard page is ``reports.dashboard_views``. What the pages compute is in
``reports.selectors``; what they write, in ``reports.services``.
"""
