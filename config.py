"""Configuration of the console.

`Config` is what production and the demo run with; `TestConfig` is what the test
suite passes to `create_app`. Secrets come only from the environment; when
`SECRET_KEY` is unset, one is generated once and kept in `instance/`.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent


def fill_instance_defaults(config: dict, instance_path: str) -> None:
    """Fill what the environment left unset with defaults kept in `instance/`.

    `SECRET_KEY` is generated once into `instance/secret_key` (mode 0600) and
    reused afterwards; the database defaults to a SQLite file beside it, uploaded files to `instance/uploads/`.
    """
    instance = Path(instance_path)
    if not config.get("SECRET_KEY"):
        instance.mkdir(parents=True, exist_ok=True)
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            key_file.chmod(0o600)
        config["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'banchengshi.db'}"
    if not config.get("UPLOAD_FOLDER"):
        config["UPLOAD_FOLDER"] = str(instance / "uploads")


class Config:
    """Settings for a real deployment and for `flask demo`."""

    APP_NAME = "办成事"
    """Shown in the navbar and the browser title."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    """Signs sessions and tokens; from the environment, else generated into instance/."""

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    """Any SQLAlchemy URL; PostgreSQL through psycopg 3 in production; else instance/ SQLite."""

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    """Flask-SQLAlchemy's event system is not used."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    """Reconnect transparently after the database restarted."""

    AUTH_TYPE = AUTH_DB
    """Accounts live in our own database."""

    AUTH_ROLE_ADMIN = "系统管理员"
    """The FAB admin role: receives every permission automatically."""

    AUTH_ROLE_PUBLIC = "公开访问"
    """Anonymous visitors; holds no permission."""

    BABEL_DEFAULT_LOCALE = "zh"
    """The console speaks Chinese only."""

    LANGUAGES = {"zh": {"flag": "cn", "name": "简体中文"}}
    """The one language offered; with a single entry FAB shows no language menu."""

    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    """Our catalog; FAB puts its own in front, ours overrides it."""

    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    """Times are shown in China Standard Time."""

    CONSOLE_TIMEZONE = "Asia/Shanghai"
    """The wall clock the center works by: 'today' and deadlines use it."""

    FAB_CREATE_DB = False
    """FAB would `create_all` on first start; the schema comes from migrations only."""

    FAB_UPDATE_PERMS = False
    """Permissions are synchronised by `flask db upgrade`/`seed-demo`, not at import."""

    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    """FAB's raw permission tables are not a screen for center staff."""

    FAB_API_SWAGGER_UI = True
    """Swagger UI at /swagger/v1."""

    FAB_ADD_OPENAPI_VIEWS = False
    FAB_ADD_MENU_API = False
    """Ours (views/openapi.py) replace FAB's OpenAPI view; the menu API serves no front end here."""

    FAB_API_MAX_PAGE_SIZE = 100
    """Largest page a REST client may ask for."""

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")
    """Where uploaded files (attachments) are kept, one folder for every kind; `flask backup` copies it whole.
    Unset: `instance/uploads/`. Staged work-order imports (`instance/imports/`) are temporary and not kept here."""

    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)))
    """Largest attachment (附件) accepted, in bytes; keep it below MAX_CONTENT_LENGTH so that the refusal
    names the limit instead of the request being cut off."""

    ATTACHMENT_STORAGE = os.environ.get("ATTACHMENT_STORAGE", "local")
    """Where attachment files are kept: `local` (under UPLOAD_FOLDER/attachments/, so `flask backup` carries
    them) or `s3` (an S3-compatible object store such as MinIO; needs `pip install -e '.[s3]'` and the
    ATTACHMENT_S3_* settings below; back the bucket up with the store's own tools)."""

    ATTACHMENT_S3_ENDPOINT = os.environ.get("ATTACHMENT_S3_ENDPOINT")
    """URL of the object store, e.g. http://127.0.0.1:9000 for MinIO; unset: AWS's own endpoint."""
    ATTACHMENT_S3_BUCKET = os.environ.get("ATTACHMENT_S3_BUCKET")
    """Bucket holding the files (it must exist)."""
    ATTACHMENT_S3_ACCESS_KEY = os.environ.get("ATTACHMENT_S3_ACCESS_KEY")
    ATTACHMENT_S3_SECRET_KEY = os.environ.get("ATTACHMENT_S3_SECRET_KEY")
    """Credentials of the object store, from the environment only."""
    ATTACHMENT_S3_REGION = os.environ.get("ATTACHMENT_S3_REGION", "us-east-1")
    """Region name the store expects (MinIO accepts the default)."""

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    """Largest request body (uploads included): beyond it a Chinese 413 page, before anything is parsed."""

    MAX_URL_LENGTH = 8 * 1024
    """Longest path plus query string; beyond it a Chinese 414 page (gunicorn.conf.py lets longer ones
    through to the console, so that gunicorn never answers them in English itself)."""

    EXPORT_BACKGROUND_ROWS = int(os.environ.get("EXPORT_BACKGROUND_ROWS", "5000"))
    """An export of more rows than this runs as a background job (progress bar on the list, download when
    done); a smaller one is answered at once. There is no upper limit."""

    REDIS_URL = os.environ.get("REDIS_URL")
    """Shared state of several console processes (rate limits; the Celery result backend). Unset: per process."""

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL")
    """Broker of the background jobs (redis://…); unset: jobs run in a thread of the console process."""

    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND")
    """Celery's result backend; unset: REDIS_URL, else the broker. The job row keeps what users see."""

    JOB_FOLDER = os.environ.get("JOB_FOLDER")
    """Where job files (exports, reports) are written; unset: instance/jobs/. With workers on other machines
    this must be a folder they share with the console."""

    FAB_INDEX_VIEW = "views.dashboard.HomeView"
    """The landing page: `/` redirects to the dashboard once logged in."""

    FAB_BASE_TEMPLATE = "console/baselayout.html"
    """Our layout: FAB's plus the console's CSS and scripts."""

    WTF_CSRF_ENABLED = True
    """CSRF on every HTML form, FAB's own POSTs included (CSRFProtect)."""

    WTF_CSRF_TIME_LIMIT = None
    """Tokens live as long as the session; expiry is the session's job."""

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    """Session cookie hardening; `Secure` is set when served over HTTPS."""

    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = "20 per minute"
    RATELIMIT_ENABLED = True
    """Rate limits on /login/ and /api/v1/security/login, per client address."""

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    """Where limits are counted: REDIS_URL when set, so that all console processes count together."""

    WINDOW_PHONE = os.environ.get("WINDOW_PHONE", "0763-12345")
    """The window's telephone, printed on the 受理回执 and the 不予受理告知书; set it to the window's own line
    (the default is the Qingyuan 12345 service hotline)."""

    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    """Where the public reaches the console, e.g. https://bcs.example.gov.cn: the receipt prints the progress
    lookup as `<PUBLIC_BASE_URL>/progress/?number=…`. Unset: the address the staff member's request came to."""

    NOTICE_TEMPLATE_FOLDER = os.environ.get("NOTICE_TEMPLATE_FOLDER")
    """A folder of the admin's own receipt.docx / decline_notice.docx (docxtpl: Jinja tags inside Word) that
    replace the ones in notices/templates/; a file missing there falls back to the shipped one."""

    PROGRESS_RATE_LIMIT = "10 per minute"
    """办理进度查询 (`/progress/`, no login): lookups allowed per client address; beyond, a Chinese 429 page."""

    PROGRESS_NUMBER_LIMIT = "5 per hour"
    """办理进度查询: wrong pairs (number, last 4 digits) allowed per case number, from any address; the one that
    reaches the limit locks the number for the limit's period (an hour), in which it answers 「未查到」 with the
    rate-limit wording, the right pair too (workflow/progress_guard.py)."""

    RATELIMIT_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "banchengshi")
    """Prefix of the console's keys in Redis, so that several deployments (or test runs) can share one."""

    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")
    """Reverse proxies whose X-Forwarded-* headers are believed: a count (1 behind one nginx) or a list of
    their addresses/networks; 0 ignores the headers, so a client cannot forge its address (access/proxies.py)."""

    AUTH_MAX_FAILED_LOGINS = 5
    AUTH_LOCKOUT_MINUTES = 15
    """After 5 wrong passwords in a row the account is locked for 15 minutes."""

    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12
    """A session ends after 30 idle minutes, and in any case 12 hours after login."""

    PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=12)
    """The cookie itself never outlives the absolute limit."""

    JWT_ACCESS_TOKEN_EXPIRES = dt.timedelta(minutes=30)
    """API tokens expire like idle sessions; password changes revoke them at once."""

    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    """FAB's own password forms apply our policy (set in create_app: FAB_PASSWORD_COMPLEXITY_VALIDATOR)."""

    AUDIT_RETENTION_DAYS = 180
    """`flask audit-purge` keeps at least this many days of 操作日志 and 登录日志."""

    CASE_NUMBER_PREFIX = "BBC"
    """Case numbers read BBC-2025-0003."""

    DEADLINE_DAYS = {
        "assess": 1,
        "on_spot": 0,
        "coordinate": 5,
        "supervise": 5,
        "agency": 5,
        "district": 10,
    }
    """Default deadlines in working days: 研判 within 1, 当场办 the same day,
    协调办/监督办/帮代办 5, district-level (complex) 10."""

    EVALUATION_SCORING = {
        "weights": {"response_rate": 20, "signed_on_time_rate": 20, "on_time_rate": 40, "satisfaction_rate": 20},
        "deductions": {"overdue_count": 3, "reopened_count": 2, "supervised_count": 2, "criticism_count": 5},
    }
    """量化评价 score of a department for a period (evaluation/compute.py), the formula published in the README:

        score = clamp(Σ weight × rate / Σ weight  −  Σ points × count, 0, 100)

    over the rates (percent) that have a denominator — a rate without one (no verdict, nothing due yet) drops
    out and the remaining weights are re-normalised. Rates, judged as of the period's last day:

    - 响应率 response_rate = 已签收 / 承办件数: assignments received in the period that were signed for (签收 or 反馈);
    - 按时签收率 signed_on_time_rate = 按时签收 / 承办件数: signed by the end of the next working day;
    - 按时办结率 on_time_rate = 按时办结 / (按时办结 + 超期): answered by the deadline, out of those whose outcome is
      known (answered, missed, or settled by closing after the deadline; one settled before it counts in neither);
    - 满意率 satisfaction_rate = 非常满意+满意+基本满意 / all verdicts in the period on cases the department led.

    Deductions, in points per record of the period: 超期 overdue assignment, 重办 (不满意 verdict that reopened a
    case), 督办 received, 通报批评 received. A department with no assignment in the period is 不参评: no score,
    no grade. The leaders' adjustment is added afterwards, and the result again kept within 0–100."""

    EVALUATION_GRADES = [(90, "excellent"), (80, "good"), (60, "pass")]
    """Lowest score of 优秀, 良好 and 合格, best first; below the last: 不合格."""

    CRITICISM_NUMBER_PREFIX = "清城政数"
    """文号 of 通报批评 read 清城政数〔2025〕3号."""

    SUPERVISION_DEADLINE_DAYS = {"general": 5, "key": 3, "listed": 2}
    """Default reply deadline of a 督办单 by level, in working days."""

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD")
    """Password of every demo account; random and printed once when unset."""

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    """SMTP host for `flask remind`'s digest; no e-mail is sent when unset."""
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "banchengshi@localhost")

    LIST_COUNT_EXACT_MAX = 100_000
    """A list counts its rows exactly up to this many; beyond, PostgreSQL's planner estimate is shown as
    约 N 条 (exact counting of a million cases would take longer than the page). SQLite counts exactly; 0: always."""

    SERVER_TIMING = os.environ.get("SERVER_TIMING", "") == "1"
    """`1`: every response carries `Server-Timing: sql;dur=<ms>;desc="<statements>"` (console/timing.py)."""

    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "sms.providers:OutboxProvider")
    """`module:Class` of the text-message provider (sms/providers.py). The default sends nothing: messages
    stay in the outbox for the admin to read. `sms.providers:HttpJsonProvider` posts to SMS_HTTP_URL."""
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL")
    """Gateway address of HttpJsonProvider (POST {"phone", "text"}; any 2xx answer is success)."""
    SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN")
    """Sent as `Authorization: Bearer …` by HttpJsonProvider, when set."""
    SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "5"))
    """Tries per message before it is marked failed."""
    SMS_RETRY_SECONDS = int(os.environ.get("SMS_RETRY_SECONDS", "60"))
    """Wait before the first retry; each further retry waits twice as long."""
    SMS_CENTER_PHONE = os.environ.get("SMS_CENTER_PHONE", "12345")
    """The number applicants are told to call, the {center_phone} of the templates."""


class TestConfig(Config):
    """Settings for the test suite: a throw-away database, fast hashing."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    """Replaced per test by the fixtures; `sqlite://` is an in-memory database."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    """Cheap hashing keeps logins in tests fast; never used outside tests."""

    DEMO_PASSWORD = "Demo-Passw0rd!"
    """A known password so tests can log in as the demo accounts."""

    REDIS_URL = None
    CELERY_BROKER_URL = None
    CELERY_RESULT_BACKEND = None
    RATELIMIT_STORAGE_URI = "memory://"
    """Tests run jobs in threads and count limits in memory, whatever the shell exports; the two-process
    test (tests/test_shared_state.py) starts its servers with REDIS_URL itself."""

    SERVER_TIMING = False
    """Off whatever the environment says; tests that want the header switch it on."""
