"""Providers for the text-message tests: one that records what it is given, one that always refuses."""

from __future__ import annotations

from typing import Any

from sms.providers import SmsError


class RecordingProvider:
    """Delivers by appending (phone, text) to `sent`."""

    delivers = True
    sent: list[tuple[str, str]] = []

    def __init__(self, config: Any = None) -> None:
        pass

    def send(self, phone: str, text: str) -> None:
        RecordingProvider.sent.append((phone, text))


class RefusingProvider:
    """The gateway is down."""

    delivers = True
    tries = 0

    def __init__(self, config: Any = None) -> None:
        pass

    def send(self, phone: str, text: str) -> None:
        RefusingProvider.tries += 1
        raise SmsError("网关无响应 503")
