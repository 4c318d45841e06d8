"""Rendering a page: the template, the language, the navigation the role may use."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.console.domain import PAGES_OF_ROLE, Page
from services.console.i18n import LANGUAGE_COOKIE, event_key, translator
from services.console.staff import Staff, language

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
NAVIGATION = (Page.CASELOAD, Page.SUPERVISOR, Page.TARGETS, Page.OUTCOMES, Page.UPLOADS)


def sessions_of(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


def today_of(request: Request) -> date:
    """The console's today (a clock in app state, so tests can fix the date)."""
    today: date = request.app.state.today()
    return today


def render(
    request: Request,
    template: str,
    *,
    staff: Staff | None,
    page: Page | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    t = translator(lang)
    navigation = [] if staff is None else [p for p in NAVIGATION if p in PAGES_OF_ROLE[staff.role]]
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "lang": lang,
            "other_lang": "en" if lang == "zh" else "zh",
            "staff": staff,
            "page": page,
            "navigation": navigation,
            "event_label": lambda event_type: _event_label(t, event_type),
            "notice": request.query_params.get("done"),
            "failure": request.query_params.get("failed"),
            **context,
            "chart_json": _chart_json(t, context.get("chart")),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, samesite="strict", max_age=365 * 86400)
    return response


def _chart_json(t: Any, chart: dict[str, Any] | None) -> str:
    """A page's chart as console.js draws it, its labels in the page's language."""
    if chart is None:
        return "null"
    labels = chart.get("raw_labels") or [t(key) for key in chart.get("labels", [])]
    series = [{"label": t(item["label"]), "values": item["values"]} for item in chart["series"]]
    document = json.dumps({"kind": chart["kind"], "labels": labels, "series": series}, ensure_ascii=False)
    return document.replace("<", "\\u003c")


def _event_label(t: Any, event_type: str) -> str:
    key = event_key(event_type)
    label: str = t(key)
    return event_type if label == key else label
