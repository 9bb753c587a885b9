"""Celery task: print a batch of issued letters (see cases.letters.batch)."""
from celery import shared_task

from cases.letters.batch import batch_run


@shared_task(acks_late=True, name="cases.letters.tasks.print_letters_task")
def print_letters_task(batch_id, letter_ids, fmt="pdf"):
    state = batch_run(batch_id, letter_ids, fmt)
    return {"state": state.get("state"), "printed": state.get("printed"), "failures": len(state.get("failures") or [])}
