"""Roster imports as jobs: an uploaded workbook is stored, imported by a Celery task with the
uploader's scope (all or nothing, as ``import_workbook``), and its progress, counts and
problems are kept for the status page. One path for every size: a workbook of 200,000 rows
takes minutes, beyond a web request's timeout."""
from __future__ import annotations

import logging
from typing import IO

from django.db import transaction
from django.utils import timezone

from shuanglian.models import RosterImport, RosterImportProblem
from shuanglian.scoping import scope_for

from .engine import RosterRejected, import_workbook
from .reader import reporting_progress

logger = logging.getLogger(__name__)

PROBLEM_BATCH = 2000
# Reading the sheets is the part of an import whose progress is known row by row; checking the
# rules and writing follow, shown as the rest of the bar when the job finishes.
READING_SHARE = 60


def start_import(*, upload, user) -> RosterImport:
    """Store the upload and queue its import. The caller has checked that the user may import."""
    job = RosterImport(user=user, filename=(upload.name or "roster.xlsx")[-200:])
    job.file.save("roster.xlsx", upload, save=False)
    job.save()
    queue_import(job)
    return job


def queue_import(job: RosterImport) -> None:
    """Hand the job to the workers (in-process without a broker). A broker that cannot be
    reached fails the job with a message: nothing was imported, and the user may upload again."""
    from shuanglian.tasks import import_roster

    try:
        import_roster.delay(job.pk)
    except Exception:  # noqa: BLE001 — the broker's own error types vary by transport
        logger.exception("could not queue roster import %s", job.pk)
        _finish(job.pk, status=RosterImport.Status.FAILED, problems=["导入任务无法排队，未导入任何数据，请稍后重新上传。"])


def run_import(job_id: int) -> None:
    """Import the job's workbook with its uploader's scope. A job already finished is left
    alone (a redelivered task); one left running by a lost worker runs again, which is safe:
    an import writes all or nothing and re-importing a file changes nothing."""
    claimed = RosterImport.objects.filter(pk=job_id, status__in=[RosterImport.Status.QUEUED, RosterImport.Status.RUNNING]) \
        .update(status=RosterImport.Status.RUNNING, started_at=timezone.now(), progress=1)
    if not claimed:
        return
    job = RosterImport.objects.select_related("user").get(pk=job_id)
    shown = {"percent": 1}

    def report(done: int, total: int) -> None:
        percent = 1 + (READING_SHARE - 1) * min(done, total) // max(total, 1)
        if percent > shown["percent"]:
            shown["percent"] = percent
            RosterImport.objects.filter(pk=job_id).update(progress=percent)

    try:
        with job.file.open("rb") as source, reporting_progress(report):
            result = import_workbook(source, scope=scope_for(job.user))
    except RosterRejected as rejected:
        _finish(job_id, status=RosterImport.Status.REJECTED, problems=rejected.result.problems,
                notices=rejected.result.notices)
    except Exception:  # noqa: BLE001 — a job must end with a status the page can show
        logger.exception("roster import %s failed", job_id)
        _finish(job_id, status=RosterImport.Status.FAILED, problems=["导入时发生意外错误，未导入任何数据，请联系系统管理员。"])
    else:
        counts = {sheet: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                  for sheet, c in result.counts.items()}
        _finish(job_id, status=RosterImport.Status.DONE, counts=counts, notices=result.notices)


def _finish(job_id: int, *, status: str, problems=(), counts=None, notices=()) -> None:
    """Record the outcome (problems in batches) and delete the uploaded file: it holds personal
    data and is no longer needed."""
    job = RosterImport.objects.get(pk=job_id)
    with transaction.atomic():
        RosterImportProblem.objects.filter(job=job).delete()  # a re-run replaces them
        batch = []
        for position, problem in enumerate(problems, start=1):
            if isinstance(problem, str):
                batch.append(RosterImportProblem(job=job, position=position, sheet="工作簿", row=None, message=problem))
            else:
                batch.append(RosterImportProblem(job=job, position=position, sheet=problem.sheet[:50], row=problem.row,
                                                 message=problem.message))
            if len(batch) >= PROBLEM_BATCH:
                RosterImportProblem.objects.bulk_create(batch)
                batch = []
        RosterImportProblem.objects.bulk_create(batch)
        RosterImport.objects.filter(pk=job_id).update(
            status=status, progress=100, counts=counts or {}, notices=list(notices), problem_count=len(problems),
            finished_at=timezone.now(), file="")
    if job.file:
        job.file.storage.delete(job.file.name)


def write_problems(job: RosterImport, out: IO[bytes]) -> int:
    """Every problem of the job as a workbook (工作表, 行, 问题), streamed row by row."""
    from openpyxl import Workbook

    from .engine import export_cell

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("问题")
    ws.append(["工作表", "行", "问题"])
    written = 0
    for sheet, row, message in job.problems.order_by("position").values_list("sheet", "row", "message").iterator(
            chunk_size=PROBLEM_BATCH):
        ws.append([export_cell(ws, sheet), row, export_cell(ws, message)])
        written += 1
    workbook.save(out)
    return written
