"""Every test reads a response's JSON body only after checking its status.

A test that reads ``response.json()`` without first asserting the status can read an error object
as if it were the answer (a list of keys that is really ``{"error": ...}``), and then fails far from
the cause or, worse, passes. The rule, checked on every ``.py`` under ``tests/`` with ``ast``:

``X.json()`` (``X`` a plain name) is allowed when an earlier statement of the same function, or the
same statement, mentions ``X.status_code``, passes ``X`` to ``body(...)`` (tests/http_checks.py), or
calls ``X.raise_for_status()`` — and ``X`` was not assigned again in between. ``.json()`` on anything
but a plain name (``(await client.get(...)).json()``, ``call().json()``, ``a.b.json()``) is always a
violation: give the response a name and check it, or use ``body(...)``.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
EXCLUDED = {TESTS / "http_checks.py"}
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)

Position = tuple[int, int]


@dataclass(frozen=True)
class Event:
    position: Position
    kind: str  # "check", "assign" or "json"
    name: str
    statement: ast.stmt | None
    line: int


def in_scope(scope: ast.AST) -> Iterator[tuple[ast.AST, ast.stmt | None]]:
    """The nodes of a scope with their innermost statement, not entering nested functions or classes."""

    def walk(node: ast.AST, statement: ast.stmt | None) -> Iterator[tuple[ast.AST, ast.stmt | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, SCOPES):
                continue
            inner = child if isinstance(child, ast.stmt) else statement
            yield child, inner
            yield from walk(child, inner)

    yield from walk(scope, None)


def end_of(node: ast.AST) -> Position:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def start_of(node: ast.AST) -> Position:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def events(scope: ast.AST) -> Iterator[Event | str]:
    """The checks, assignments and body reads of one scope; a bare string for a read that is never allowed."""
    for node, statement in in_scope(scope):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "status_code"
            and isinstance(node.value, ast.Name)
        ):
            yield Event(start_of(node), "check", node.value.id, statement, node.lineno)
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id == "body" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Name):
                    yield Event(start_of(first), "check", first.id, statement, node.lineno)
            elif isinstance(function, ast.Attribute) and function.attr == "raise_for_status":
                if isinstance(function.value, ast.Name):
                    yield Event(start_of(node), "check", function.value.id, statement, node.lineno)
            elif isinstance(function, ast.Attribute) and function.attr == "json":
                if isinstance(function.value, ast.Name):
                    yield Event(start_of(node), "json", function.value.id, statement, node.lineno)
                else:
                    read = ast.unparse(function.value)[:60]
                    yield f"{node.lineno}: .json() on `{read}`, not on a checked name"
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            # An assignment takes effect after its value was computed.
            bound = (
                end_of(statement)
                if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign)
                else None
            )
            yield Event(bound or start_of(node), "assign", node.id, statement, node.lineno)


def violations(source: str, filename: str = "<source>") -> list[str]:
    """``filename:line: why`` for every JSON body read whose status was not checked first."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    for scope in ast.walk(tree):
        if not isinstance(scope, SCOPES):
            continue
        seen = list(events(scope))
        found += [f"{filename}:{event}" for event in seen if isinstance(event, str)]
        marks = [event for event in seen if isinstance(event, Event)]
        for read in (event for event in marks if event.kind == "json"):
            if not checked(read, marks):
                found.append(f"{filename}:{read.line}: {read.name}.json() before its status was checked")
    return sorted(found, key=lambda text: int(text.removeprefix(f"{filename}:").split(":")[0]))


def checked(read: Event, marks: list[Event]) -> bool:
    named = [event for event in marks if event.name == read.name and event.kind != "json"]
    if any(event.kind == "check" and event.statement is read.statement for event in named):
        return True
    earlier = sorted((event for event in named if event.position < read.position), key=lambda e: e.position)
    return bool(earlier) and earlier[-1].kind == "check"


def test_every_json_body_read_in_the_tests_follows_a_status_check() -> None:
    found: list[str] = []
    for path in sorted(TESTS.rglob("*.py")):
        if path in EXCLUDED:
            continue
        found += violations(path.read_text(), str(path.relative_to(TESTS.parent)))
    assert not found, (
        f"{len(found)} JSON body reads without a status check first "
        "(use tests.http_checks.body(response) or assert response.status_code):\n" + "\n".join(found)
    )


def test_the_guard_finds_reads_without_a_check_and_passes_checked_ones() -> None:
    unchecked = """
async def test_keys(api):
    keys = (await api.get("/keys")).json()
    response = await api.get("/keys")
    first = response.json()[0]
    assert response.status_code == 200
    response = await api.get("/other")
    other = response.json()
"""
    assert violations(unchecked, "t.py") == [
        "t.py:3: .json() on `await api.get('/keys')`, not on a checked name",
        "t.py:5: response.json() before its status was checked",
        "t.py:8: response.json() before its status was checked",
    ]
    compliant = """
async def test_keys(api):
    keys = body(await api.get("/keys"))
    response = await api.get("/keys")
    assert response.status_code == 200, response.text
    first = response.json()[0]
    refused = await api.post("/keys")
    assert (refused.status_code, refused.json()["error"]) == (409, "refused")
    later = await api.get("/later")
    later.raise_for_status()
    if later.json():
        shown = await api.get("/shown")
        body(shown, status=(200, 201))
        return shown.json()
"""
    assert violations(compliant, "t.py") == []


def test_a_check_in_another_function_does_not_count() -> None:
    source = """
def check(response):
    assert response.status_code == 200

def read(response):
    return response.json()
"""
    assert violations(source, "t.py") == ["t.py:6: response.json() before its status was checked"]
