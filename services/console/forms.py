"""Reading an HTML form (`application/x-www-form-urlencoded`) into a model, with the kit's 422 body."""

from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import BaseModel, ValidationError

from services.common.errors import DomainError

Form = TypeVar("Form", bound=BaseModel)


async def read_form(request: Request, model: type[Form]) -> Form:
    """Empty fields count as absent; a field given twice is refused."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise DomainError(415, "unsupported_media_type", "Send the form as application/x-www-form-urlencoded")
    pairs = parse_qsl((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise DomainError(
                422, "validation_failed", "A field was given twice", [{"field": name, "reason": "duplicate"}]
            )
        fields[name] = value
    try:
        return model.model_validate({name: value for name, value in fields.items() if value != ""})
    except ValidationError as invalid:
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]) or "body", "reason": error["msg"]}
            for error in invalid.errors()
        ]
        raise DomainError(422, "validation_failed", "The form has invalid fields", errors) from invalid
