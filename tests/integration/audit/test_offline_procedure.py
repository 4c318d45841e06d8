"""The offline verification script printed in docs/services/audit.md, run as an auditor would."""

import re
import subprocess
import sys
from pathlib import Path

from services.common.audit import AuditAction
from tests.integration.audit.conftest import access, tamper

DOC = Path(__file__).resolve().parents[3] / "docs" / "services" / "audit.md"


def documented_script() -> str:
    found = re.search(r'```python\n("""verify_audit_export\.py.*?)```', DOC.read_text(encoding="utf-8"), re.S)
    assert found is not None, "the procedure's script is missing from docs/services/audit.md"
    return found.group(1)


def run(tmp_path: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    script, export = tmp_path / "verify_audit_export.py", tmp_path / "audit-log.jsonl"
    script.write_text(documented_script(), encoding="utf-8")
    export.write_text("".join(lines), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", str(script), str(export)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_documented_script_verifies_an_export_and_names_a_changed_record(
    audit, sessions, intake_engine, tmp_path
):
    async with sessions.begin() as session:
        await audit.record(
            session,
            access(purpose="年度核查"),
            action=AuditAction.READ,
            resource_type="worker_case",
            resource_ids=[f"case-{n}" for n in range(5)],
            fields=["full_name"],
        )
    head_hash = (await audit.verify(sessions)).head_hash

    intact = run(tmp_path, [line async for line in audit.export(sessions)])
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == f"5 records verified; the last hash is {head_hash}"

    await tamper(intake_engine, "UPDATE audit_log SET actor = 'nobody' WHERE seq = 4")
    tampered = run(tmp_path, [line async for line in audit.export(sessions)])
    assert tampered.returncode == 1
    assert tampered.stderr.strip() == "record 4 was changed: it does not match its hash"

    lines = [line async for line in audit.export(sessions)]
    deleted = run(tmp_path, lines[:1] + lines[2:])
    assert deleted.stderr.strip() == "record 2 is missing; the next line is record 3"
