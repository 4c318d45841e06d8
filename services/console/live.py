"""Live updates: new read-model rows as Server-Sent Events, so open pages change without a reload.

A stream lasts `console_live_stream_seconds`; the browser's EventSource reconnects by itself and sends
`Last-Event-ID`, so nothing is missed between two streams.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from services.console import queries
from services.console.domain import Role, mask_case_id
from services.console.i18n import event_key, translator
from services.console.rendering import sessions_of
from services.console.staff import StaffDep, language

router = APIRouter(tags=["live"], include_in_schema=False)


@router.get("/live")
async def live(
    request: Request,
    staff: StaffDep,
    after: Annotated[int | None, Query(ge=0)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    sessions = sessions_of(request)
    t = translator(language(request))
    own = staff.assistant_id if staff.role is Role.LABOUR_ASSISTANT else None
    poll_seconds: float = request.app.state.live_poll_seconds
    stream_seconds: float = request.app.state.live_stream_seconds
    if last_event_id is not None and last_event_id.isdigit():
        after = int(last_event_id)
    if after is None:
        async with sessions() as session:
            after = await queries.latest_seq(session)
    position = after

    async def events() -> AsyncIterator[str]:
        nonlocal position
        yield f"retry: 2000\nid: {position}\n\n"
        deadline = asyncio.get_running_loop().time() + stream_seconds
        while asyncio.get_running_loop().time() < deadline and not await request.is_disconnected():
            async with sessions() as session:
                entries = await queries.timeline_since(session, after_seq=position, assistant_id=own)
            for entry in entries:
                position = entry.seq
                key = event_key(entry.event_type)
                label = t(key)
                payload = {
                    "seq": entry.seq,
                    "event_type": entry.event_type,
                    "label": entry.event_type if label == key else label,
                    "case_ref": None if entry.case_id is None else mask_case_id(staff.role, entry.case_id),
                    "case_id": None
                    if entry.case_id is None or staff.role is Role.LEADING_GROUP
                    else entry.case_id,
                    "occurred_at": entry.occurred_at.isoformat(),
                }
                yield f"id: {entry.seq}\nevent: timeline\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
            await asyncio.sleep(poll_seconds)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
