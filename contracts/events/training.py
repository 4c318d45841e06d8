"""Events of the training service, published on `training.events`."""

from contracts.events import Event

EVENTS: tuple[type[Event], ...] = ()
