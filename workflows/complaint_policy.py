"""How long the rights-protection station has for each step: policy data, never literals in the workflow.

Changing a number here changes running workflows when they next compute a deadline; such a change goes
behind `workflow.patched` in `workflows/complaint.py` and past the replay test.
"""

from datetime import timedelta

from contracts.complaint_workflow import ReferralAgency
from contracts.events.complaints import ComplaintCategory

ACKNOWLEDGEMENT_WORKING_DAYS = 2
"""A complaint is acknowledged by a rights officer within 2 working days of being received."""

RESOLUTION_WORKING_DAYS: dict[ComplaintCategory, int] = {
    ComplaintCategory.UNPAID_WAGES: 10,
    ComplaintCategory.SOCIAL_INSURANCE_ARREARS: 15,
    ComplaintCategory.UNLAWFUL_DISMISSAL: 15,
    ComplaintCategory.NO_CONTRACT_ON_TRANSFER: 10,
    ComplaintCategory.PLACEMENT_PLAN_NOT_HONOURED: 20,
    ComplaintCategory.DISCRIMINATION: 20,
    ComplaintCategory.OTHER: 20,
}
"""Working days from receipt to resolution, by category; wage arrears are the most urgent."""

REFERRAL_ANSWER_WORKING_DAYS: dict[ReferralAgency, int] = {
    ReferralAgency.LABOUR_INSPECTION: 20,
    ReferralAgency.LABOUR_ARBITRATION: 45,
    ReferralAgency.SOCIAL_INSURANCE: 20,
}
"""Working days the referred agency has to answer, counted from the referral."""

RESOLUTION_WORKING_DAYS_AFTER_REFERRAL = 5
"""When an agency sends a complaint back, the station has at least this many working days to resolve it."""

REMINDER_LEAD_WORKING_DAYS = 1
"""The rights officer is reminded on the morning of a deadline's last working day."""

LABOUR_BUREAU_ESCALATION_WORKING_DAYS = 1
"""A deadline escalates to the supervisor when it passes, then to the labour bureau this much later."""

SATISFACTION_CHECK_DELAY = timedelta(days=7)
"""The worker is asked about their satisfaction on the first working day at least this long after closing."""

MAXIMUM_EXTENSION_WORKING_DAYS = 30
"""The most a supervisor may extend a running deadline at once."""

ACTIVITY_TIMEOUT = timedelta(seconds=30)
"""How long one call to the complaints service may take before it is tried again."""

ACTIVITY_FIRST_RETRY = timedelta(seconds=1)
ACTIVITY_LONGEST_RETRY = timedelta(minutes=5)
"""Retries back off from one second to five minutes and never give up: the service may be down for a while."""
