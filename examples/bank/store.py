"""The bank's own record of the applications it received, in a SQLite file."""

import sqlite3
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LoanApplication:
    application_id: str
    full_name: str
    resident_id_masked: str
    requested_amount_yuan: int
    term_months: int
    due_on: str
    status: str


class ApplicationStore:
    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS applications (application_id TEXT PRIMARY KEY, full_name TEXT,"
                " resident_id_masked TEXT, requested_amount_yuan INTEGER, term_months INTEGER, due_on TEXT,"
                " status TEXT)"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS deliveries (delivery_id TEXT PRIMARY KEY)")

    def receive(self, delivery_id: str, data: dict[str, Any]) -> bool:
        """Store a received application once per delivery; False when the delivery was seen before."""
        with self._lock, self._db:
            seen = self._db.execute(
                "SELECT 1 FROM deliveries WHERE delivery_id = ?", (delivery_id,)
            ).fetchone()
            if seen:
                return False
            self._db.execute("INSERT INTO deliveries VALUES (?)", (delivery_id,))
            self._db.execute(
                "INSERT OR IGNORE INTO applications VALUES (?, ?, ?, ?, ?, ?, 'received')",
                (
                    data["application_id"],
                    data["full_name"],
                    data["resident_id_masked"],
                    data["requested_amount_yuan"],
                    data["term_months"],
                    data["due_on"],
                ),
            )
            return True

    def all(self) -> list[LoanApplication]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM applications ORDER BY due_on, application_id").fetchall()
        return [LoanApplication(*row) for row in rows]

    def get(self, application_id: str) -> LoanApplication | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM applications WHERE application_id = ?", (application_id,)
            ).fetchone()
        return LoanApplication(*row) if row else None

    def set_status(self, application_id: str, status: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE applications SET status = ? WHERE application_id = ?", (status, application_id)
            )
