"""When to try a registry call again, and how long to wait first.

The registry documents no rate limits, so the client has to be polite by itself: a 429 or a 5xx
answer is retried a bounded number of times, waiting what the server asks for in ``Retry-After``
when it says so, otherwise an exponential backoff with full jitter (a random wait between 0 and
``base * 2**attempt``, capped) so that many publishers retrying at once do not hit the server in
lock-step. ``sleep`` and ``jitter`` are injectable so tests never wait for real.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRYABLE_STATUS", "RetryPolicy", "parse_retry_after"]

# 429 and 503 mean "not processed, come back later"; 500/502/504 may hide a transient fault.
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# For a POST only answers that promise the request was not applied are safe to repeat.
RETRYABLE_STATUS_UNSAFE_METHOD = frozenset({429, 503})


# What a default policy sleeps with, looked up at call time so a test can replace it for a whole CLI run.
SLEEP: Callable[[float], None] = time.sleep


def _sleep(seconds: float) -> None:
    SLEEP(seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Bounded retries: ``attempts`` tries in all, waits capped by ``max_delay``.

    ``max_retry_after`` is the longest ``Retry-After`` we agree to sit through; a server that asks
    for more is reported to the user instead of blocking the command for an hour.
    """

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = field(default=_sleep)
    jitter: Callable[[], float] = field(default=random.random)

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential wait before retry number ``attempt`` (0-based)."""
        return self.jitter() * min(self.max_delay, self.base_delay * 2.0**attempt)

    def wait_for(self, attempt: int, retry_after: float | None) -> float:
        """The wait before the next try: at least ``Retry-After`` when given, plus up to 10% jitter."""
        if retry_after is None:
            return self.backoff(attempt)
        return retry_after + 0.1 * retry_after * self.jitter()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
