"""Benchmark: importing a ledger spreadsheet of BENCH_LEDGER_ROWS workers (default 10,000) into intake.

Intake runs in this process on a fresh SQLite database each time, called through its HTTP API as a labour
assistant. It prints three figures from the same run: reading and checking the file alone (the baseline the
import cannot beat), the import (`POST /ledger/spreadsheet?mode=all`), and the same workers registered one by
one with `POST /workers`; then the import's ratio to each. Figures go to docs/performance/ledger_import.json.
"""

import asyncio
import io
import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import httpx
from openpyxl import Workbook

from contracts.ledger import LEDGER
from services.common.migrations import upgrade
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.schemas import WorkerRegistration
from services.intake.spreadsheets import read_sheet, validated
from tests.bench._embedded import load, save
from tests.factories import assistant, registration
from tests.integration.intake.support import HOME_COMMUNITY, ISSUER, serving

ROWS = int(os.environ.get("BENCH_LEDGER_ROWS", "10000"))
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "intake" / "migrations"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASONS = {value: label for label, value in LEDGER.column("下岗原因").choices.items()}


def workers(count: int) -> list[dict[str, str]]:
    return [registration() for _ in range(count)]


def ledger(rows: list[dict[str, str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(LEDGER.title)
    sheet.append(["姓名", "身份证号", "手机号", "社区编码", "下岗日期", "下岗原因"])
    for row in rows:
        layoff = date.fromisoformat(row["layoff_date"])
        reason = REASONS[row["layoff_reason"]]
        sheet.append(
            [row["full_name"], row["resident_id"], row["mobile"], row["community_code"], layoff, reason]
        )
    written = io.BytesIO()
    workbook.save(written)
    return written.getvalue()


@asynccontextmanager
async def fresh_intake(directory: str, name: str) -> AsyncIterator[httpx.AsyncClient]:
    url = f"sqlite+aiosqlite:///{directory}/{name}.db"
    await upgrade(MIGRATIONS, url)
    app = create_app(ServiceSettings(database_url=url), token_verifier=ISSUER.verifier())
    async with serving(app) as clients:
        capacity = {"community_code": HOME_COMMUNITY, "capacity": 1000}
        for _ in range(ROWS // 1000 + 1):
            assert (await clients.admin.post("/assistants", json=assistant(**capacity))).status_code == 201
        yield clients.assistant


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def run() -> None:
    rows = workers(ROWS)
    content = ledger(rows)

    async def parse() -> None:
        for row in read_sheet(content, LEDGER, max_rows=ROWS).rows:
            validated(WorkerRegistration, row, LEDGER)

    parsing = await timed(parse)
    with tempfile.TemporaryDirectory() as directory:
        async with fresh_intake(directory, "import") as api:

            async def import_file() -> None:
                files = {"file": ("ledger.xlsx", content, XLSX)}
                answer = await api.post("/ledger/spreadsheet?mode=all", files=files)
                assert answer.status_code == 200, answer.text[:500]
                assert len(answer.json()["created"]) == ROWS

            importing = await timed(import_file)
        async with fresh_intake(directory, "single") as api:

            async def register_each() -> None:
                for row in workers(ROWS):
                    assert (await api.post("/workers", json=row)).status_code == 201

            singles = await timed(register_each)
    print(f"ledger import of {ROWS} rows ({len(content) / 1024:.0f} KiB .xlsx), SQLite, in process")
    print(f"  read and check the file only: {parsing:8.2f} s  ({ROWS / parsing:8.0f} rows/s)")
    print(f"  import (POST /ledger/spreadsheet): {importing:8.2f} s  ({ROWS / importing:8.0f} rows/s)")
    print(f"  {ROWS} single POST /workers: {singles:8.2f} s  ({ROWS / singles:8.0f} rows/s)")
    print(f"  import / parse only: {importing / parsing:.1f}x")
    print(f"  import / single posts: {importing / singles:.2f}x")
    save(
        "ledger_import",
        {
            "rows": ROWS,
            "file_kib": round(len(content) / 1024),
            "read_and_check_seconds": round(parsing, 2),
            "import_seconds": round(importing, 2),
            "import_rows_per_second": round(ROWS / importing),
            "single_posts_seconds": round(singles, 2),
            "import_ratio_to_single_posts": round(importing / singles, 2),
            "load": load(),
        },
    )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
