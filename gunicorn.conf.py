"""gunicorn's settings for the console (README 生产部署: `gunicorn -c gunicorn.conf.py 'app:create_app()'`).

gunicorn also reads this file by itself when started from the repository root. Its limits are set so
that whatever a user can send is answered by the console, in Chinese: gunicorn's own refusals and its
worker-timeout page are English.
"""

workers = 4
"""Sync worker processes; each serves one request at a time."""

timeout = 120
"""Seconds one request may take before gunicorn kills the worker (the user would get an English
"Internal Server Error"). The longest requests the console allows stay far below it: an export is
answered at once only up to EXPORT_BACKGROUND_ROWS (5 000) rows, larger ones run as background jobs (jobs/);
an import of 5 000 work orders (intake.tables.MAX_ROWS) and 生成考评 for a year take well under a minute."""

graceful_timeout = 30
"""Seconds a worker has to finish its request on restart or shutdown."""

limit_request_line = 0
"""No request-line limit of gunicorn's own: the console refuses a URL longer than MAX_URL_LENGTH (8 kB)
with a Chinese 414 page. gunicorn's limit cannot exceed 8190 bytes, and beyond it gunicorn would answer
a 100 kB URL with its own English 414. A reverse proxy in front may cap request lines again."""

limit_request_field_size = 16 * 1024
"""Longest header line: a Referer may carry a URL as long as the console accepts, plus cookies
(gunicorn's default of 8190 bytes would refuse it in English)."""
