"""The scopes tokens carry, shared by every service: `require(scopes.CASES_WRITE)`.

Names are `<area>:<action>`. The identity service grants them by role (staff) and by client kind
(`services/identity/domain.py`); another OIDC provider must be configured to grant the same names.
"""

IDENTITY_ADMIN = "identity:admin"
CASES_READ = "cases:read"
CASES_WRITE = "cases:write"
CASES_READ_SHARED = "cases:read_shared"
CASES_READ_RESIDENT_ID = "cases:read_resident_id"
NETWORK_MANAGE = "network:manage"
PLANS_APPROVE = "plans:approve"
RESTRUCTURING_MANAGE = "restructuring:manage"
TRAINING_READ = "training:read"
TRAINING_PROVIDE = "training:provide"
TRAINING_MANAGE = "training:manage"
PLACEMENT_READ = "placement:read"
PLACEMENT_WRITE = "placement:write"
PLACEMENT_MANAGE = "placement:manage"
VACANCIES_MANAGE = "vacancies:manage"
COMPLAINTS_READ = "complaints:read"
COMPLAINTS_WRITE = "complaints:write"
COMPLAINTS_REFER = "complaints:refer"
COMPLAINTS_REFERRALS = "complaints:referrals"
BENEFITS_READ = "benefits:read"
BENEFITS_APPLY = "benefits:apply"
BENEFITS_DECIDE = "benefits:decide"
BENEFITS_FEEDS = "benefits:feeds"
TARGETS_READ = "targets:read"
TARGETS_MANAGE = "targets:manage"
DASHBOARD_READ = "dashboard:read"
AUDIT_READ = "audit:read"

SCOPES: dict[str, str] = {
    IDENTITY_ADMIN: "register clients and staff, unlock staff, rotate signing keys",
    CASES_READ: "read workers' cases, profiles, consent, guidance and plans",
    CASES_WRITE: "register workers and record on their cases",
    CASES_READ_SHARED: "read the minimal fields of cases whose worker consented to share with the caller",
    CASES_READ_RESIDENT_ID: "read a worker's full resident ID number",
    NETWORK_MANAGE: "manage streets, communities, labour assistants and caseload assignment",
    PLANS_APPROVE: "approve re-employment plans",
    RESTRUCTURING_MANAGE: "record enterprise restructuring plans and worker-congress votes",
    TRAINING_READ: "read courses, classes and enrolments",
    TRAINING_PROVIDE: "a provider publishes, concludes and cancels its own classes and records attendance",
    TRAINING_MANAGE: "register and accredit training providers and keep the course catalogue",
    PLACEMENT_READ: "read vacancies, referrals, hires and follow-ups",
    PLACEMENT_WRITE: "record referrals, hires, businesses started and follow-ups",
    PLACEMENT_MANAGE: "verify, suspend and reinstate employers",
    VACANCIES_MANAGE: "post an employer's vacancies, answer referrals, confirm hires",
    COMPLAINTS_READ: "read rights-protection complaints",
    COMPLAINTS_WRITE: "file and work rights-protection complaints",
    COMPLAINTS_REFER: "refer a complaint to a competent agency",
    COMPLAINTS_REFERRALS: "an agency's view of the complaints referred to it, and its outcome",
    BENEFITS_READ: "read policy-support applications and decisions",
    BENEFITS_APPLY: "submit and withdraw a worker's policy-support applications",
    BENEFITS_DECIDE: "an agency's decisions on policy support",
    BENEFITS_FEEDS: "see agency feed deliveries and replay dead-lettered ones (operators)",
    TARGETS_READ: "read yearly targets and the target assessment",
    TARGETS_MANAGE: "set yearly targets per street and community",
    DASHBOARD_READ: "read the staff dashboard",
    AUDIT_READ: "verify and export a service's audit log of personal-data access",
}
"""Every scope, with what it allows."""
