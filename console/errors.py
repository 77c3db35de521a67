"""Errors that carry a message for the person in front of the screen."""

from __future__ import annotations

from typing import Any


class ConsoleError(Exception):
    """A refusal with a Chinese message; nothing was changed.

    `status` is the HTTP status the API answers with (400 bad input, 403 not
    allowed, 404 not found, 409 conflict or wrong state).
    """

    status = 400

    def __init__(self, message: Any, *, status: int | None = None, fields: dict | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status
        self.fields = fields or {}

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(ConsoleError):
    """The record changed underneath, or the action is not allowed in its state (409)."""

    status = 409


class ForbiddenError(ConsoleError):
    """The user may not do this (403)."""

    status = 403


class NotFoundError(ConsoleError):
    """No such record within the user's scope (404)."""

    status = 404
