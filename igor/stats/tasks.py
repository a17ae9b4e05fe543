"""Background work: research extracts run on the database task queue (`igor db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_extract(extract_id: int) -> None:
    from igor.stats.actions import run_extract

    run_extract(extract_id=extract_id)
