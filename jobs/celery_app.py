"""The Celery app, configured from the Flask config, with the `celery beat` schedule.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0   # broker; the result backend defaults to REDIS_URL, else to it

Without a broker Celery runs every task at once in the calling process (`task_always_eager`), and
`jobs.runner.start` does not use Celery at all: the job runs in a thread of the console.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

BEAT_SCHEDULE = {
    "daily-reminders": {"task": "jobs.daily_reminders", "schedule": crontab(hour=7, minute=30)},
    "monthly-evaluation": {"task": "jobs.monthly_evaluation", "schedule": crontab(day_of_month="1", hour=2,
                                                                                   minute=0)},
    "text-messages": {"task": "jobs.send_text_messages", "schedule": 60.0},
}
"""China time: reminders at 07:30 every day, before the window opens; the past month's 量化评价 at 02:00 on
the 1st (the period has closed, so the figures no longer move); queued text messages every minute (the sender
claims each message before the gateway sees it, so overlapping runs never send one twice)."""


def init_celery(app: Flask) -> Celery:
    """A Celery app whose tasks run inside `app`'s context; kept in `app.extensions["celery"]`."""
    from extensions import db

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    broker = app.config.get("CELERY_BROKER_URL")
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=app.config.get("CELERY_RESULT_BACKEND") or app.config.get("REDIS_URL") or broker,
        task_always_eager=not broker,
        task_ignore_result=True,
        task_acks_late=True,  # a worker that dies mid-job leaves it for another
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone=app.config.get("CONSOLE_TIMEZONE", "Asia/Shanghai"),
        beat_schedule=BEAT_SCHEDULE,
    )
    if broker and broker.startswith("redis"):
        # Several deployments (or test runs) may share one Redis: each keeps to its own keys.
        celery.conf.broker_transport_options = {"global_keyprefix": f"{app.config['RATELIMIT_KEY_PREFIX']}:"}
    celery.set_default()
    app.extensions["celery"] = celery
    import jobs.tasks  # noqa: F401  (registers the tasks with this app)

    return celery
