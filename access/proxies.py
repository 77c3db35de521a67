"""The client's real address behind trusted reverse proxies (nginx), and only behind them.

Behind nginx every request comes from the proxy's address: the login rate limit
would be shared by the whole office and the audit log would name the proxy.
`TRUSTED_PROXIES` says whom to believe about the client:

- a number N: N proxies stand in front; werkzeug's ProxyFix takes the client
  from the N-th `X-Forwarded-For` entry from the right (and scheme, host,
  port, prefix likewise);
- a comma-separated list of addresses or networks (`10.0.0.5, 172.16.0.0/12`):
  forwarded headers count only on requests that arrive from one of them,
  and as many hops are trusted as there are trusted addresses in a row.

Unset or 0: forwarded headers are ignored, so a client cannot forge its address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(value: Any) -> int | list[Network]:
    """`TRUSTED_PROXIES` as a hop count or a list of networks; a clear error for anything else."""
    text = str(value or "0").strip()
    if text.isdigit():
        return int(text)
    try:
        return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise ValueError(f"TRUSTED_PROXIES 应为代理层数或以逗号分隔的地址/网段：{text!r}") from exc


def _proxy_fix(app: Callable, hops: int) -> ProxyFix:
    return ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)


class TrustedNetworks:
    """WSGI middleware: apply ProxyFix only to requests that come through trusted proxies."""

    def __init__(self, app: Callable, networks: Iterable[Network]) -> None:
        self.app = app
        self.networks = list(networks)
        self._fixes: dict[int, ProxyFix] = {}

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def hops(self, environ: dict) -> int:
        """How many proxies in a row, from the socket's peer backwards, are trusted."""
        if not self._trusted(environ.get("REMOTE_ADDR", "")):
            return 0
        chain = [part for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        hops = 1
        # The entries a trusted proxy appended, right to left, until the first one not ours: the client.
        while hops < len(chain) and self._trusted(chain[-hops]):
            hops += 1
        return hops

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        hops = self.hops(environ)
        if not hops:
            return self.app(environ, start_response)
        if hops not in self._fixes:
            self._fixes[hops] = _proxy_fix(self.app, hops)
        return self._fixes[hops](environ, start_response)


def trust_proxies(wsgi_app: Callable, setting: Any) -> Callable:
    """`wsgi_app` wrapped according to TRUSTED_PROXIES (unchanged when nothing is trusted)."""
    trusted = parse_trusted(setting)
    if isinstance(trusted, int):
        return _proxy_fix(wsgi_app, trusted) if trusted > 0 else wsgi_app
    return TrustedNetworks(wsgi_app, trusted) if trusted else wsgi_app
