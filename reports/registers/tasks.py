"""Celery task: the import of a checked register file (reports.registers.services.import_run)."""
from celery import shared_task

from reports.registers.services import IMPORT_TASK, import_run


@shared_task(name=IMPORT_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def register_import_task(register_import_id: int) -> None:
    import_run(register_import_id=register_import_id)
