import io
import json
import logging
from collections.abc import Iterator

import pytest

from services.common.logging import JsonFormatter, MaskPersonalData, configure_logging, mask

RESIDENT_ID = "11010519491231002X"
MOBILE = "13800138000"
JWT = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1LTEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing JSON lines through the masking filter, as `configure_logging` sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("tests.log_masking")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.handlers.clear()


def test_resident_ids_mobiles_and_tokens_are_masked_in_text():
    assert mask(f"id {RESIDENT_ID} ok") == "id [resident-id] ok"
    assert mask(f"身份证{RESIDENT_ID.lower()}号") == "身份证[resident-id]号"
    assert mask(f"call {MOBILE}, or +86 138-0013-8000") == "call [mobile], or [mobile]"
    assert mask(f"Authorization: Bearer {JWT}") == "Authorization: Bearer [token]"
    assert mask(f"token={JWT}&x=1") == "token=[jwt]&x=1"
    assert mask("bearer opaque-token_123") == "bearer [token]"


def test_ordinary_numbers_and_ids_stay_readable():
    unchanged = [
        "case 0190f3a2-7b1c-7d3e-8f00-123456789abc",
        "took 12345678901234 ns",
        "order 23800138000",
        "reference 1380013800012",
        "seq 110105194912310021999",
    ]
    for text in unchanged:
        assert mask(text) == text


def test_a_logged_record_shows_no_personal_data_anywhere(captured: tuple[logging.Logger, io.StringIO]):
    logger, stream = captured
    try:
        raise ValueError(f"bad number {RESIDENT_ID}")
    except ValueError:
        logger.exception(
            "registering %s with mobile %s",
            RESIDENT_ID,
            MOBILE,
            extra={"headers": {"authorization": f"Bearer {JWT}"}, "mobiles": [MOBILE], "attempt": 2},
        )
    line = stream.getvalue()
    for secret in (RESIDENT_ID, MOBILE, JWT):
        assert secret not in line
    entry = json.loads(line)
    assert entry["message"] == "registering [resident-id] with mobile [mobile]"
    assert entry["headers"] == {"authorization": "Bearer [token]"}
    assert entry["mobiles"] == ["[mobile]"]
    assert entry["attempt"] == 2
    assert "bad number [resident-id]" in entry["exception"]


def test_the_service_log_handler_masks(capsys: pytest.CaptureFixture[str]):
    root = logging.getLogger()
    handlers, level, factory = root.handlers[:], root.level, logging.getLogRecordFactory()
    try:
        configure_logging("INFO", "test-process")
        logging.getLogger("tests.service_logging").warning("mobile %s", MOBILE)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.setLogRecordFactory(factory)
    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["message"] == "mobile [mobile]" and entry["process_name"] == "test-process"
