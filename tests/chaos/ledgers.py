"""What each service of a stopped-or-running stack holds, read straight from its SQLite file (read-only)."""

import sqlite3
from collections import Counter
from pathlib import Path


def _rows(var_dir: Path, service: str, query: str, *parameters: object) -> list[tuple[object, ...]]:
    database = sqlite3.connect(f"file:{var_dir / f'{service}.db'}?mode=ro", uri=True, timeout=30)
    try:
        return database.execute(query, parameters).fetchall()
    finally:
        database.close()


def intake_cases(var_dir: Path) -> set[str]:
    return {str(case_id) for (case_id,) in _rows(var_dir, "intake", "SELECT case_id FROM worker_cases")}


def console_cases(var_dir: Path) -> set[str]:
    return {str(case_id) for (case_id,) in _rows(var_dir, "console", "SELECT case_id FROM case_views")}


def training_cases(var_dir: Path) -> set[str]:
    return {str(case_id) for (case_id,) in _rows(var_dir, "training", "SELECT case_id FROM known_cases")}


def placement_cases(var_dir: Path) -> set[str]:
    return {str(case_id) for (case_id,) in _rows(var_dir, "placement", "SELECT case_id FROM workers")}


def intake_assistant_loads(var_dir: Path) -> dict[str, int]:
    query = "SELECT assistant_id, open_cases FROM labour_assistants"
    return {str(assistant): int(str(load)) for assistant, load in _rows(var_dir, "intake", query)}


def console_assistant_loads(var_dir: Path) -> dict[str, int]:
    query = "SELECT assistant_id, open_cases FROM assistant_loads"
    return {str(assistant): int(str(load)) for assistant, load in _rows(var_dir, "console", query)}


def console_timeline_entries(var_dir: Path, event_type: str) -> Counter[str]:
    """How many times the console's timeline shows an event of this type, per case."""
    query = "SELECT case_id FROM timeline WHERE event_type = ?"
    return Counter(str(case_id) for (case_id,) in _rows(var_dir, "console", query, event_type))
