"""Identity rules: the authorization matrix, registrations, scopes granted, key publication, rate limits."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.common import scopes as s
from services.common.rate_limit import TokenBucketLimiter, retry_after
from services.identity.domain import (
    CLIENT_SCOPES,
    ROLE_SCOPES,
    ClientKind,
    KeyAction,
    KeyStatus,
    Role,
    ScopeRefused,
    TransitionRefused,
    activation_wait,
    client_registration_problems,
    granted_scopes,
    is_locked,
    is_published,
    key_transition,
    staff_problems,
)
from services.identity.settings import IdentitySettings

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
NO_PARTIES: dict[str, str | None] = {"agency_code": None, "employer_id": None, "provider_id": None}


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.LABOUR_ASSISTANT, {s.CASES_WRITE, s.PLACEMENT_WRITE}, {s.PLANS_APPROVE, s.IDENTITY_ADMIN}),
        (Role.SUPERVISOR, {s.CASES_WRITE, s.PLANS_APPROVE, s.NETWORK_MANAGE}, {s.TARGETS_MANAGE}),
        (Role.RIGHTS_OFFICER, {s.COMPLAINTS_REFER, s.CASES_READ}, {s.CASES_WRITE, s.BENEFITS_DECIDE}),
        (Role.LEADING_GROUP, {s.TARGETS_MANAGE, s.DASHBOARD_READ}, {s.CASES_READ, s.COMPLAINTS_READ}),
        (Role.ADMIN, {s.IDENTITY_ADMIN}, {s.CASES_READ, s.COMPLAINTS_READ}),
    ],
)
def test_the_staff_matrix(role, allowed, refused):
    assert allowed <= ROLE_SCOPES[role]
    assert not refused & ROLE_SCOPES[role]


def test_every_role_and_client_kind_holds_only_known_scopes_and_only_admins_administer_identity():
    for granted in [*ROLE_SCOPES.values(), *CLIENT_SCOPES.values()]:
        assert granted <= set(s.SCOPES)
    assert [role for role, held in ROLE_SCOPES.items() if s.IDENTITY_ADMIN in held] == [Role.ADMIN]
    assert all(s.IDENTITY_ADMIN not in held for held in CLIENT_SCOPES.values())


def test_a_client_names_exactly_whom_it_acts_for():
    agency = NO_PARTIES | {"agency_code": "tax"}
    assert client_registration_problems(ClientKind.AGENCY, agency, frozenset({s.BENEFITS_DECIDE})) == []
    assert client_registration_problems(ClientKind.AGENCY, NO_PARTIES, frozenset({s.BENEFITS_DECIDE})) == [
        {"field": "agency_code", "reason": "required for a client of kind agency"}
    ]
    both = NO_PARTIES | {"agency_code": "tax", "provider_id": "school-1"}
    problems = client_registration_problems(ClientKind.PROVIDER, both, frozenset({s.TRAINING_PROVIDE}))
    assert {p["field"] for p in problems} == {"agency_code"}
    assert client_registration_problems(ClientKind.SERVICE, NO_PARTIES, frozenset({s.CASES_READ})) == []


def test_a_client_cannot_be_granted_scopes_beyond_its_kind():
    employer = NO_PARTIES | {"employer_id": "e-1"}
    problems = client_registration_problems(ClientKind.EMPLOYER, employer, frozenset({s.CASES_READ}))
    assert problems == [{"field": "scopes", "reason": "a employer client cannot hold: cases:read"}]
    service = client_registration_problems(ClientKind.SERVICE, NO_PARTIES, frozenset({s.IDENTITY_ADMIN}))
    assert [p["field"] for p in service] == ["scopes"]


def test_only_agency_clients_hold_the_complaints_agency_scope():
    """The complaints service takes a `complaints:referrals` token's `agency` claim as the referred agency."""
    agency = NO_PARTIES | {"agency_code": "labour_inspection"}
    referrals = frozenset({s.COMPLAINTS_REFERRALS})
    assert client_registration_problems(ClientKind.AGENCY, agency, referrals) == []
    for kind, party in ((ClientKind.EMPLOYER, "employer_id"), (ClientKind.PROVIDER, "provider_id")):
        problems = client_registration_problems(kind, NO_PARTIES | {party: "x-1"}, referrals)
        assert [p["field"] for p in problems] == ["scopes"], kind
    assert all(s.COMPLAINTS_REFERRALS not in held for held in ROLE_SCOPES.values())


def test_staff_rules():
    password = "a long enough password"
    assert staff_problems("li", password, Role.LABOUR_ASSISTANT, "ZS-01", "ZS") == []
    assert {p["field"] for p in staff_problems("li", password, Role.LABOUR_ASSISTANT, None, None)} == {
        "community_code",
        "street_code",
    }
    assert staff_problems("wang", password, Role.SUPERVISOR, None, "ZS") == []
    assert [p["field"] for p in staff_problems("wang", password, Role.SUPERVISOR, "ZS-01", "ZS")] == [
        "community_code"
    ]
    assert [p["field"] for p in staff_problems("zhao", password, Role.LEADING_GROUP, None, "ZS")] == [
        "street_code"
    ]
    assert staff_problems("li", "short", Role.ADMIN, None, None)[0]["reason"] == "at least 12 characters"
    assert staff_problems("lijuan", "my name is LiJuan!", Role.ADMIN, None, None)[0]["field"] == "password"


def test_scopes_granted_are_those_requested_or_all_allowed():
    allowed = frozenset({s.CASES_READ, s.CASES_WRITE})
    assert granted_scopes(None, allowed) == allowed
    assert granted_scopes("  ", allowed) == allowed
    assert granted_scopes("cases:read", allowed) == {s.CASES_READ}
    with pytest.raises(ScopeRefused, match="identity:admin"):
        granted_scopes("cases:read identity:admin", allowed)
    with pytest.raises(ScopeRefused):
        granted_scopes(None, frozenset())


def test_lock_runs_out():
    assert not is_locked(None, NOW)
    assert is_locked(NOW + timedelta(seconds=1), NOW)
    assert not is_locked(NOW, NOW)


def test_key_transitions_and_publication():
    assert key_transition(KeyStatus.NEXT, KeyAction.ACTIVATE) is KeyStatus.ACTIVE
    assert key_transition(KeyStatus.ACTIVE, KeyAction.RETIRE) is KeyStatus.RETIRED
    for status, action in [(KeyStatus.RETIRED, KeyAction.ACTIVATE), (KeyStatus.NEXT, KeyAction.RETIRE)]:
        with pytest.raises(TransitionRefused):
            key_transition(status, action)
    keep = timedelta(minutes=61)
    assert is_published(KeyStatus.NEXT, None, NOW, keep)
    assert is_published(KeyStatus.RETIRED, NOW - timedelta(minutes=60), NOW, keep)
    assert not is_published(KeyStatus.RETIRED, NOW - timedelta(minutes=61), NOW, keep)
    assert activation_wait(NOW - timedelta(minutes=4), NOW, timedelta(minutes=10)) == timedelta(minutes=6)
    assert activation_wait(NOW - timedelta(minutes=11), NOW, timedelta(minutes=10)) == timedelta(0)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_the_rate():
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0, "each key has its own bucket"
    clock.now += 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 1.0
    assert limiter.take("a") == 0
    assert retry_after(0.2) == "1" and retry_after(59.1) == "60"


def test_token_bucket_keeps_only_the_most_recent_keys():
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=1, burst=1, max_keys=2, clock=clock)
    limiter.take("a")
    limiter.take("b")
    limiter.take("c")
    assert limiter.take("a") == 0, "a's bucket was dropped, so it starts full"
    assert limiter.take("c") > 0


def test_production_refuses_the_placeholder_admin_password_and_a_too_short_key_publication():
    production = {"environment": "production", "secret_key": "a real secret for production use"}
    with pytest.raises(ValidationError, match="BOOTSTRAP_ADMIN_PASSWORD"):
        IdentitySettings(**production)
    assert IdentitySettings(**production, identity_bootstrap_admin_password="a chosen admin password")
    with pytest.raises(ValidationError, match="KEY_PUBLICATION_SECONDS"):
        IdentitySettings(identity_key_publication_seconds=60, identity_jwks_max_age_seconds=300)
