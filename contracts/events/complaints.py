"""Events of the complaints service, published on `complaints.events`."""

from contracts.events import Event

EVENTS: tuple[type[Event], ...] = ()
