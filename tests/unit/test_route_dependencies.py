"""Every route dependency of every service is a coroutine: a plain `def` would cost each request a hop
to the thread pool and back, for what is at most an attribute read."""

import inspect
from collections.abc import Iterable, Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from deploy.registry import service_definitions
from services.common.settings import ServiceSettings


def sync_dependencies(dependant: Dependant) -> list[str]:
    found: list[str] = []
    for dependency in dependant.dependencies:
        call = dependency.call
        runs_on_loop = inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(type(call).__call__)
        if call is not None and not runs_on_loop:
            found.append(getattr(call, "__qualname__", repr(call)))
        found.extend(sync_dependencies(dependency))
    return found


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The app's routes, into included routers (FastAPI keeps an included router whole, as its original)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


@pytest.mark.parametrize("service", sorted(service_definitions()))
def test_no_route_dependency_runs_in_the_thread_pool(service):
    app = service_definitions()[service].create_app(ServiceSettings())
    routes = sum(1 for _ in api_routes(app.routes))
    found = {
        f"{sorted(route.methods)} {route.path}: {name}"
        for route in api_routes(app.routes)
        for name in sync_dependencies(route.dependant)
    }
    assert routes > 10, "the walk reached the service's routes"
    assert not found, sorted(found)
