"""The console's commands refuse in Chinese: no English “Error:”, no click usage text, exit status 1."""

from __future__ import annotations

import pytest

from extensions import db


@pytest.fixture
def run(app, app_ctx):
    def invoke(*args: str):
        db.session.remove()
        return app.test_cli_runner().invoke(args=list(args))

    return invoke


@pytest.mark.parametrize(("args", "said"), [
    (["evaluate", "--period", "x"], "考评期间"),
    (["evaluate"], "缺少参数 --period"),
    (["evaluate", "--period"], "--period"),
    (["evaluate", "--period", "2025", "--frobnicate"], "没有选项 --frobnicate"),
    (["fill-holidays", "--year", "abc"], "参数 --year 的值无效"),
    (["audit-purge", "--days", "30"], "至少保留 180 天"),
    (["audit-purge", "--days", "many"], "参数 --days 的值无效"),
    (["seed-bulk", "--cases", "0"], "必须大于 0"),
    (["import-orders", "/nonexistent/orders.xlsx"], "找不到文件"),
    (["import-orders"], "缺少参数 FILE"),
])
def test_a_refusal_is_one_chinese_line_on_stderr(run, args, said):
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert said in result.stderr, result.output
    for english in ("Error", "Usage:", "Invalid value", "Missing", "Try '"):
        assert english not in result.output, result.output


def test_an_unreadable_import_file_is_refused_in_chinese(run, tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_bytes(b"\x00garbage")
    result = run("import-orders", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("文件不是可读取的 Excel 工作簿"), result.output
    assert "Error" not in result.output


def test_help_still_works(run):
    result = run("import-orders", "--help")
    assert result.exit_code == 0 and "--dry-run" in result.output


@pytest.mark.parametrize(("username", "password", "said"), [
    ("system", "Xyz-12345678", "系统账号"),   # the internal account takes no password (access/system.py)
    ("admin", "abc", "至少 10 个字符"),       # the password policy (README 安全)
])
def test_fabs_reset_password_refuses_in_chinese_without_a_traceback(app, app_ctx, username, password, said):
    from flask.cli import FlaskGroup, ScriptInfo

    db.session.remove()
    # `flask` itself: FAB's `fab` group is a plugin command that only the FlaskGroup loads
    result = app.test_cli_runner().invoke(FlaskGroup(create_app=lambda: app), obj=ScriptInfo(create_app=lambda: app),
                                          args=["fab", "reset-password", "--username", username,
                                                "--password", password])
    assert result.exit_code == 1 and said in result.stderr, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error" not in result.output and "Traceback" not in result.output
