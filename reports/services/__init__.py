"""Writes of the reports app, one module per subject:

- ``runs``: requesting, running, requeueing and scheduling reports;
- ``submissions``: on-time monthly reporting (submit, approve, return, reopen);
- ``notices``: notices to users and the weekly pace reminders;
- ``queue``: handing tasks to the workers by name, so that these modules never import
  ``reports.tasks`` (which imports them).
"""
