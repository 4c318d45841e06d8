"""Events of the placement service, published on `placement.events`."""

from contracts.events import Event

EVENTS: tuple[type[Event], ...] = ()
