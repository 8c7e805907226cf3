"""The typed errors of a fetch: each has the `error_class` a URL's outcome records.

Transient ones (timeouts, connection errors, 429, 5xx, politeness deferrals) may be retried;
permanent ones never are.
"""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that did not produce a usable body."""

    transient = False
    retry_after: float | None = None  # seconds the server asked for (transient errors only)

    def __init__(self, error_class: str, message: str, *, http_status: int | None = None):
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.http_status = http_status


class TransientFetchError(FetchError):
    """Worth retrying later: timeouts, connection failures, 429 and 5xx."""

    transient = True

    def __init__(self, *args, retry_after: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after
