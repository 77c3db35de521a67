"""`flask …` commands of the console (see CONTRACT.md)."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command to `app.cli`."""
    from commands.backup import backup_command, restore_command
    from commands.demo import demo, seed_bulk, seed_demo
    from commands.imports import import_orders
    from commands.maintenance import (
        audit_purge,
        audit_verify,
        evaluate_command,
        fill_holidays,
        remind,
        sms_send,
        summary_rebuild,
        sync_permissions_command,
    )
    from commands.reports import report_command

    for command in (demo, seed_demo, seed_bulk, import_orders, sync_permissions_command, fill_holidays, remind,
                    sms_send, evaluate_command, audit_purge, audit_verify, backup_command, restore_command,
                    report_command, summary_rebuild):
        app.cli.add_command(command)
