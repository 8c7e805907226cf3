"""The envelope every API response uses, and the errors views raise."""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    """A client error with its HTTP status and a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def ok(data: object, status: int = 200) -> JsonResponse:
    return JsonResponse({"status": "ok", "data": data}, status=status)


def error(status: int, code: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse(
        {"status": "error", "error": {"code": code, "message": message}}, status=status
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
