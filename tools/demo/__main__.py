"""`python -m tools.demo [--workers N …]`: run the demo against the stack of `make up`."""

import argparse
import asyncio
import sys
from pathlib import Path

from services.identity.settings import IdentitySettings
from tools.demo.progress import Progress
from tools.demo.run import Options, farewell, run_demo
from tools.demo.seeding import Admin


def parse(arguments: list[str]) -> Options:
    identity = IdentitySettings()
    parser = argparse.ArgumentParser(prog="python -m tools.demo", description=__doc__)
    parser.add_argument(
        "--endpoints", type=Path, default=Path("var/endpoints.json"), help="written by make up"
    )
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--assistants", type=int, default=50)
    parser.add_argument("--providers", type=int, default=5)
    parser.add_argument("--employers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026, help="the same seed draws the same district")
    parser.add_argument("--in-flight", type=int, default=8, help="requests in flight at most")
    parser.add_argument("--arrivals-per-second", type=float, default=5.0, help="workers registered a second")
    parser.add_argument(
        "--active-workers", type=int, default=60, help="journeys driven at once; arrivals wait for room"
    )
    parser.add_argument(
        "--follow-up-seconds",
        type=float,
        default=240.0,
        help="how long to go on recording follow-ups once every worker is on their way",
    )
    parser.add_argument(
        "--gather-seconds", type=float, default=10.0, help="how long a training cohort gathers"
    )
    parser.add_argument("--console-url", default="http://127.0.0.1:8000")
    parser.add_argument("--admin-username", default=identity.identity_bootstrap_admin_username)
    parser.add_argument("--admin-password", default=identity.identity_bootstrap_admin_password)
    given = parser.parse_args(arguments)
    for name in ("workers", "assistants", "providers", "employers", "in_flight", "active_workers"):
        if getattr(given, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if given.arrivals_per_second <= 0:
        parser.error("--arrivals-per-second must be positive")
    return Options(
        endpoints=given.endpoints,
        workers=given.workers,
        assistants=given.assistants,
        providers=given.providers,
        employers=given.employers,
        seed=given.seed,
        in_flight=given.in_flight,
        arrivals_per_second=given.arrivals_per_second,
        active_workers=given.active_workers,
        follow_up_seconds=given.follow_up_seconds,
        gather_seconds=given.gather_seconds,
        console_url=given.console_url,
        admin=Admin(username=given.admin_username, password=given.admin_password),
    )


def main() -> None:
    options = parse(sys.argv[1:])
    progress = Progress(options.workers)
    outcome = asyncio.run(run_demo(options, progress))
    sys.stdout.write(farewell(options, outcome))


if __name__ == "__main__":
    main()
