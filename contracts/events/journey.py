"""Events of the journey service, published on `journey.events`."""

from contracts.events import Event

EVENTS: tuple[type[Event], ...] = ()
