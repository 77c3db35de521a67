"""Background jobs: exports, reports, 量化评价 and reminders, on Celery or inside the console process.

- `models.job.Job` is a job's only state (who asked, progress, message, file), read by every process.
- `jobs.store` writes and reads that row; `jobs.runner.start` creates it and hands the work to a Celery
  worker when `CELERY_BROKER_URL` is set, else to a thread of the console process itself (`flask demo`
  needs nothing else); `jobs.work` holds what each kind of job does; `jobs.celery_app` builds the
  Celery app from the Flask config, with the `celery beat` schedule; `jobs.worker` is the entry point of
  `celery -A jobs.worker worker` and `celery -A jobs.worker beat`.

No Flask request is needed: an export job rebuilds the list's filters itself from the stored query string.
In the house this package sits beside `commands/`: it calls workflow, evaluation and kpi, not the views.
"""
