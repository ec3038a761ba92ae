"""The order of each procedure's steps and the level that takes each step (docs/domain.md §10).

A household's status changes only at the end of a procedure; the steps in between are records of
their own. Kept as data in one place so the services, the pages and the printed notices agree."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困识别")
    EXIT = "exit", _("脱贫退出")
    RETURN = "return", _("返贫")


class Stage(models.TextChoices):
    VOTE = "vote", _("民主评议")
    FIRST_NOTICE = "first_notice", _("第一次公示")
    TOWNSHIP_REVIEW = "township_review", _("乡镇审核")
    SECOND_NOTICE = "second_notice", _("第二次公示")
    COUNTY_REVIEW = "county_review", _("县级复审")
    ANNOUNCEMENT = "announcement", _("公告")
    FILING = "filing", _("建档立卡")


class Level(models.TextChoices):
    """Who takes a step: the village (its resident work team), the township or the county office."""

    VILLAGE = "village", _("村（驻村工作队）")
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县")


SEQUENCES: dict[str, tuple[str, ...]] = {
    Procedure.IDENTIFICATION: (
        Stage.VOTE, Stage.FIRST_NOTICE, Stage.TOWNSHIP_REVIEW, Stage.SECOND_NOTICE,
        Stage.COUNTY_REVIEW, Stage.ANNOUNCEMENT, Stage.FILING,
    ),
    # Exit: the assembly reviews, a notice runs, the township verifies, the county announces.
    Procedure.EXIT: (Stage.VOTE, Stage.FIRST_NOTICE, Stage.TOWNSHIP_REVIEW, Stage.ANNOUNCEMENT),
    # A household that falls back re-enters the registry by the identification's own checks.
    Procedure.RETURN: (
        Stage.VOTE, Stage.FIRST_NOTICE, Stage.TOWNSHIP_REVIEW, Stage.COUNTY_REVIEW, Stage.ANNOUNCEMENT,
    ),
}

LEVELS: dict[str, str] = {
    Stage.VOTE: Level.VILLAGE,
    Stage.FIRST_NOTICE: Level.VILLAGE,
    Stage.TOWNSHIP_REVIEW: Level.TOWNSHIP,
    Stage.SECOND_NOTICE: Level.TOWNSHIP,
    Stage.COUNTY_REVIEW: Level.COUNTY,
    Stage.ANNOUNCEMENT: Level.COUNTY,
    Stage.FILING: Level.COUNTY,
}

NOTICES = frozenset({Stage.FIRST_NOTICE, Stage.SECOND_NOTICE})

# The five items of "两不愁三保障" (docs/domain.md §10), in the order the checklist asks them.
CHECKLIST_ITEMS: tuple[tuple[str, object], ...] = (
    ("food", _("不愁吃")),
    ("clothing", _("不愁穿")),
    ("schooling", _("义务教育有保障")),
    ("medical", _("基本医疗有保障")),
    ("housing", _("住房安全有保障")),
)
