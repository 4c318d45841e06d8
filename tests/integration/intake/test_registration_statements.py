"""How many SQL statements a registration costs, on SQLite and PostgreSQL.

The registration transaction is intake's hot path: every one of its statements is a round trip under the
single writer's lock. docs/services/intake.md lists them and why each is there; this test keeps the count
from creeping back up.
"""

from datetime import date

from tests.factories import assistant, registration, resident_id_number
from tests.sql_statements import statements_sent

YOUNG = date(1990, 5, 1)
"""Born then, a worker laid off in 2026 carries no hardship flag of age."""
MOST_STATEMENTS = 6
"""Read (street and known case), claim (assistant), case, status history, outbox, audit chain."""


async def test_a_registration_is_at_most_six_statements(assistant_api, admin_api):
    created = await admin_api.post("/assistants", json=assistant())
    assert created.status_code == 201, created.text
    warm_up = await assistant_api.post("/workers", json=registration())
    assert warm_up.status_code == 201, warm_up.text

    with statements_sent() as sent:
        response = await assistant_api.post(
            "/workers", json=registration(resident_id=resident_id_number(birth=YOUNG))
        )
    assert response.status_code == 201, response.text
    assert response.json()["assistant_id"] == created.json()["assistant_id"]
    assert response.json()["hardship_flags"] == []
    assert len(sent) <= MOST_STATEMENTS, "\n".join(sent)


async def test_hardship_flags_cost_one_statement_more(assistant_api, admin_api):
    assert (await admin_api.post("/assistants", json=assistant())).status_code == 201
    assert (await assistant_api.post("/workers", json=registration())).status_code == 201

    with statements_sent() as sent:
        response = await assistant_api.post(
            "/workers", json=registration(resident_id=resident_id_number(birth=YOUNG), disability=True)
        )
    assert response.status_code == 201, response.text
    assert response.json()["hardship_flags"] == ["disability"]
    assert len(sent) <= MOST_STATEMENTS + 1, "\n".join(sent)
