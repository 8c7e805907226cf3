"""API responses of the further ATS adapters, one module each, written for JobPipe's tests.

Each module says which real structure it models (field names, nesting, paging) and takes the
local server's base URL so links point back at it; none copies a real response's text.
"""

from __future__ import annotations

JSON = {"Content_Type": "application/json"}
XML = {"Content_Type": "application/xml; charset=utf-8"}


def source(http, kind: str, board_token: str = "acme", **config) -> dict:
    """A run's source snapshot pointing the adapter at the local server."""
    return {
        "id": 1,
        "name": f"Acme on {kind}",
        "org_name": "Acme",
        "kind": kind,
        "url": "",
        "board_token": board_token,
        "config": {"api_base": http.base, **config},
    }
