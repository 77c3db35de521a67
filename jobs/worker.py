"""Entry point of the worker and the scheduler, with the console's own environment:

    celery -A jobs.worker worker --loglevel=INFO
    celery -A jobs.worker beat --loglevel=INFO
"""

from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
"""The Celery app `celery -A jobs.worker` finds."""
