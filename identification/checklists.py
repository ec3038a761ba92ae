"""The "两不愁三保障" checklist and the exit test it feeds (docs/domain.md §10)."""
from __future__ import annotations


def exit_proposal_errors(household, year: int) -> list[str]:
    """Why ``household`` may not be proposed for exit in ``year``; empty when it may."""
    return []
