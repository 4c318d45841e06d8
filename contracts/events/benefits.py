"""Events of the benefits service, published on `benefits.events`."""

from contracts.events import Event

EVENTS: tuple[type[Event], ...] = ()
