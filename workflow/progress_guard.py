"""Wrong pairs per case number at 办理进度查询, counted where the console's rate limits are counted.

The per-address limit (`PROGRESS_RATE_LIMIT`) does not stop a guesser who spreads the 10 000 possible
last 4 digits of one number over many addresses. So each wrong pair also counts against the number asked:
after `PROGRESS_NUMBER_LIMIT` wrong pairs (5 per hour) the number is locked for that period (an hour from
the wrong pair that locked it). While it is locked, every lookup of it — the right pair included — is
answered 「未查到」 with the rate-limit wording, without looking at the case. Numbers that do not exist
are counted and locked alike, so neither the answer nor the lock tells whether a number exists.

The counts live in the rate limiter's storage (`RATELIMIT_STORAGE_URI`: Redis when `REDIS_URL` is set),
so all console processes count one number together; keys start with `RATELIMIT_KEY_PREFIX`.

    guard = NumberGuard(limiter.storage, "5 per hour", prefix)
    guard.locked(number)   # before looking up
    guard.missed(number)   # after a wrong pair
"""

from __future__ import annotations

from limits import parse
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter


class NumberGuard:
    """How many wrong pairs one case number may take before it is locked, and whether it is locked now."""

    def __init__(self, storage: Storage, limit: str, prefix: str = "") -> None:
        self.storage = storage
        self.item = parse(limit)
        self.prefix = prefix
        self._misses = MovingWindowRateLimiter(storage)

    def _lock_key(self, number: str) -> str:
        return f"{self.prefix}/progress-number-locked/{number}"

    def locked(self, number: str) -> bool:
        """Whether lookups of `number` are refused now."""
        return self.storage.get(self._lock_key(number)) > 0

    def missed(self, number: str) -> None:
        """Count a wrong pair for `number`; the one that reaches the limit locks it for the limit's period."""
        self._misses.hit(self.item, self.prefix, "progress-number", number)
        if not self._misses.test(self.item, self.prefix, "progress-number", number):
            self.storage.incr(self._lock_key(number), self.item.get_expiry())
