"""Reading a response's JSON body only after its status was checked.

``body(response)`` asserts the status (200 unless told; a tuple allows any of several) and
returns the parsed body; on a wrong status the failure names the request and shows the body,
so a test never reads an error object as if it were the answer it expected.
"""

from typing import Any

import httpx

BODY_SHOWN = 2000


def body(response: httpx.Response, status: int | tuple[int, ...] = 200) -> Any:
    """The JSON body of ``response``, after asserting its status is ``status`` (or one of them)."""
    expected = status if isinstance(status, tuple) else (status,)
    if response.status_code not in expected:
        text = response.text
        if len(text) > BODY_SHOWN:
            text = text[:BODY_SHOWN] + f"... ({len(response.text)} characters)"
        wanted = " or ".join(str(code) for code in expected)
        raise AssertionError(
            f"{requested(response)} answered {response.status_code}, expected {wanted}: {text}"
        )
    return response.json()


def requested(response: httpx.Response) -> str:
    try:
        request = response.request
    except RuntimeError:  # a response built by hand has no request
        return "a request"
    return f"{request.method} {request.url}"
