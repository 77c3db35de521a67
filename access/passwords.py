"""The password policy (等保 复杂度), applied wherever a password is set."""

from __future__ import annotations

import string
from typing import IO, Any

import click
from flask_babel import gettext

MIN_LENGTH = 10


def password_problems(password: str, username: str | None = None) -> list[str]:
    """Why `password` is not acceptable (an empty list when it is)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(gettext("At least %(n)d characters.", n=MIN_LENGTH))
    classes = sum([
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or c == " " for c in password),
    ])
    if classes < 3:
        problems.append(gettext("At least three of: lower-case letters, upper-case letters, digits, symbols."))
    if username and username.lower() in password.lower():
        problems.append(gettext("Must not contain the user name."))
    return problems


class PasswordPolicy:
    """WTForms validator for the policy; the form's `username` field is used when present."""

    def __call__(self, form: object, field: object) -> None:
        from wtforms.validators import ValidationError

        username_field = getattr(form, "username", None)
        username = getattr(username_field, "data", None)
        if username is None:
            from flask import g

            user = g.get("user")
            username = getattr(user, "username", None)
        problems = password_problems(field.data or "", username)
        if problems:
            raise ValidationError(" ".join(problems))


def fab_password_validator(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: the same policy for FAB's own password forms.

    The user is the one whose password is being reset (`?pk=`), else the logged-in user.
    """
    from flask import current_app, g, has_request_context, request
    from wtforms.validators import ValidationError

    username = None
    if has_request_context():
        from console.interface import valid_pk

        pk = valid_pk(request.args.get("pk"))
        user = current_app.appbuilder.sm.get_user_by_id(pk) if pk else g.get("user")
        username = getattr(user, "username", None)
    problems = password_problems(password or "", username)
    if problems:
        raise ValidationError(" ".join(problems))


class PasswordRefused(ValueError, click.ClickException):
    """A new password that may not be set, said in Chinese.

    A ValueError for the screens that set passwords, and a click exception so that FAB's own
    `flask fab reset-password` prints the sentence alone and exits 1 instead of a traceback.
    """

    def __init__(self, message: Any) -> None:
        click.ClickException.__init__(self, str(message))

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the sentence without click's English “Error:” prefix."""
        click.echo(self.format_message(), err=file is None, file=file)
