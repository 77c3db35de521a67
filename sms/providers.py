"""Where text messages go: the provider interface and the providers that ship with the console.

A provider is any class with `send(phone, text)` that returns normally when the gateway accepted the
message and raises `SmsError` otherwise; its `delivers` says whether anything leaves the building. To plug
in a gateway, write such a class (e.g. `mycity.sms:AliyunProvider`, taking the app's config in `__init__`)
and set `SMS_PROVIDER=mycity.sms:AliyunProvider`. `HttpJsonProvider` is a complete example.
"""

from __future__ import annotations

import importlib
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol

from flask_babel import gettext


class SmsError(Exception):
    """The gateway refused or could not be reached; the message is tried again later."""


class SmsProvider(Protocol):
    """What the sender needs of a provider."""

    delivers: bool
    """False: nothing is sent, the message stays in the outbox (state 'outbox')."""

    def send(self, phone: str, text: str) -> None:
        """Hand one message to the gateway; raise SmsError when it is not accepted."""


class OutboxProvider:
    """The default: nothing is sent; every message stays in the outbox, visible to the admin."""

    delivers = False

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = config or {}

    def send(self, phone: str, text: str) -> None:
        """Accept the message without sending it."""


class HttpJsonProvider:
    """Example gateway: POST {"phone": …, "text": …} as JSON to SMS_HTTP_URL; any 2xx answer is success."""

    delivers = True

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.url = config.get("SMS_HTTP_URL")
        self.token = config.get("SMS_HTTP_TOKEN")

    def send(self, phone: str, text: str) -> None:
        """Post one message; a refusal or a network error is an SmsError."""
        if not self.url:
            raise SmsError(gettext("The gateway address SMS_HTTP_URL is not set."))
        request = urllib.request.Request(self.url, data=json.dumps({"phone": phone, "text": text}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the configured gateway)
                if not 200 <= answer.status < 300:
                    raise SmsError(gettext("The gateway answered HTTP %(status)s.", status=answer.status))
        except urllib.error.HTTPError as exc:
            raise SmsError(gettext("The gateway answered HTTP %(status)s.", status=exc.code)) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsError(gettext("The gateway cannot be reached: %(error)s", error=exc)) from exc


def load_provider(config: Mapping[str, Any]) -> SmsProvider:
    """The provider named by SMS_PROVIDER (`module:Class`), built with the app's config."""
    path = config.get("SMS_PROVIDER") or "sms.providers:OutboxProvider"
    module_name, _, class_name = path.partition(":")
    provider_class = getattr(importlib.import_module(module_name), class_name)
    return provider_class(config)
