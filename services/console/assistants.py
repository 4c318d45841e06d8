"""Labour assistants as the pages show them: by the name intake registered them with."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.domain import assistant_label
from services.console.models import AssistantView


@dataclass(frozen=True)
class Assistant:
    """A labour assistant as pages show them."""

    assistant_id: str
    name: str | None
    community_code: str | None

    @property
    def label(self) -> str:
        return assistant_label(self.assistant_id, self.name)


async def assistant(session: AsyncSession, assistant_id: str) -> Assistant:
    """The assistant by id; one the console has not heard of yet is shown by the id's tail."""
    found = await session.get(AssistantView, assistant_id)
    if found is None:
        return Assistant(assistant_id=assistant_id, name=None, community_code=None)
    return Assistant(assistant_id=assistant_id, name=found.name, community_code=found.community_code)


async def known_assistants(session: AsyncSession) -> list[Assistant]:
    """Every labour assistant the console knows (registered by intake, or seen in an assignment), by
    community and name."""
    rows = await session.execute(
        select(AssistantView.assistant_id, AssistantView.name, AssistantView.community_code).order_by(
            AssistantView.community_code, AssistantView.name, AssistantView.assistant_id
        )
    )
    return [Assistant(assistant_id=id_, name=name, community_code=code) for id_, name, code in rows.all()]
