"""The console's settings: where the services it acts through are, and how it serves pages."""

from pydantic import Field

from services.common.settings import ServiceSettings


class ConsoleSettings(ServiceSettings):
    identity_url: str = Field(
        default="http://127.0.0.1:8005", description="The password login (token endpoint)"
    )
    intake_url: str = Field(
        default="http://127.0.0.1:8001", description="Where cases are reassigned and spreadsheets imported"
    )
    placement_url: str = Field(default="http://127.0.0.1:8003", description="Where follow-ups are recorded")
    console_http_timeout_seconds: float = Field(default=10.0, gt=0)
    console_import_timeout_seconds: float = Field(
        default=300.0, gt=0, description="How long intake may take over an uploaded spreadsheet"
    )
    console_upload_minutes: int = Field(
        default=60, gt=0, description="How long an upload waits for its confirmation before it is discarded"
    )
    console_secure_cookie: bool = Field(
        default=False, description="Mark the session cookie Secure (set it behind HTTPS in production)"
    )
    console_live_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the live feed looks for new read-model rows"
    )
    console_live_stream_seconds: float = Field(
        default=30.0, gt=0, description="How long one live stream lasts before the browser reconnects"
    )


def console_settings(settings: ServiceSettings) -> ConsoleSettings:
    """What was given, plus the console's own `REEMPLOY_*` variables."""
    if isinstance(settings, ConsoleSettings):
        return settings
    return ConsoleSettings(**settings.model_dump())
