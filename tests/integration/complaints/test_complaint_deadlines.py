"""`ComplaintResolution` deadlines, reminders and escalations on Temporal's time-skipping test server."""

from datetime import datetime, time, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from contracts.complaint_workflow import (
    EXTEND_DEADLINE_UPDATE,
    ComplaintDeadlines,
    DeadlineExtension,
    DeadlineKind,
    ReferralAgency,
)
from contracts.events.complaints import ComplaintCategory, ComplaintStatus, EscalationLevel
from tests.integration.complaints.workflow_harness import CST, running_complaint


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in December 2026, station time."""
    return datetime(2026, 12, day, hour, minute, tzinfo=CST)


async def test_friday_before_a_holiday_reminds_then_escalates_twice(
    time_skipping: WorkflowEnvironment,
) -> None:
    async with running_complaint(time_skipping) as complaint:
        first = await complaint.deadlines()
        assert first.running is not None
        assert first.running.kind is DeadlineKind.ACKNOWLEDGEMENT
        assert first.running.due_at == at(10)  # Mon 7 is a holiday: Tue 8 and Wed 9 are the two days

        await complaint.skip_to(at(8, 23, 30))
        assert complaint.service.kinds() == []
        await complaint.skip_to(at(9, 8))
        assert complaint.service.kinds() == ["acknowledgement-1-reminder"]
        reminder = complaint.service.actions["acknowledgement-1-reminder"]
        assert reminder.due_at == at(10)
        await complaint.skip_to(at(9, 23, 59))
        assert (await complaint.deadlines()).escalation_level is None

        await complaint.skip_to(at(10, 0, 30))
        assert complaint.service.kinds()[-1] == "acknowledgement-1-escalation-supervisor"
        assert (await complaint.deadlines()).escalation_level is EscalationLevel.SUPERVISOR
        await complaint.skip_to(at(11, 0, 30))
        assert complaint.service.kinds()[-1] == "acknowledgement-1-escalation-labour_bureau"

        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        await complaint.skip_to(at(11, 1))
        now_running = await complaint.deadlines()
        assert now_running.running is not None
        assert now_running.running.kind is DeadlineKind.RESOLUTION
        assert now_running.running.due_at == at(22)  # 10 working days for unpaid wages
        assert now_running.escalation_level is None


async def test_acknowledged_and_resolved_in_time_only_asks_for_satisfaction(
    time_skipping: WorkflowEnvironment,
) -> None:
    async with running_complaint(time_skipping, category=ComplaintCategory.DISCRIMINATION) as complaint:
        await complaint.skip_to(at(8, 10))
        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        await complaint.skip_to(at(9, 15))
        await complaint.moves_to(ComplaintStatus.CLOSED)

        result = await complaint.handle.result()

        assert result.acknowledged_late is False
        assert result.escalations == 0
        assert result.satisfaction_check_due_at == at(16)  # 7 days after Wednesday the 9th
        assert complaint.service.kinds() == ["satisfaction-check"]
        assert complaint.service.actions["satisfaction-check"].due_at == at(16)


async def test_satisfaction_check_waits_for_a_working_day(time_skipping: WorkflowEnvironment) -> None:
    async with running_complaint(time_skipping, category=ComplaintCategory.OTHER) as complaint:
        await complaint.skip_to(at(5, 11))  # closed on a Saturday: 7 days later is Saturday again
        await complaint.moves_to(ComplaintStatus.CLOSED)
        result = await complaint.handle.result()
        assert result.satisfaction_check_due_at == at(14)


async def test_referral_waits_for_the_agency_and_a_returned_complaint_gets_time_to_resolve(
    time_skipping: WorkflowEnvironment,
) -> None:
    async with running_complaint(time_skipping) as complaint:
        await complaint.skip_to(at(8, 10))
        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        await complaint.skip_to(at(18, 10))
        complaint.service.referred_to = ReferralAgency.LABOUR_INSPECTION
        await complaint.moves_to(ComplaintStatus.REFERRED)
        await complaint.skip_to(at(18, 11))
        waiting = await complaint.deadlines()
        assert waiting.running is not None
        assert waiting.running.kind is DeadlineKind.REFERRAL_ANSWER
        assert waiting.running.due_at.astimezone(CST).date().isoformat() == "2027-01-16"  # 20 working days

        await complaint.skip_to(at(22, 1))
        assert "resolution-2-escalation-supervisor" not in complaint.service.kinds()  # paused while referred

        complaint.service.referred_to = None
        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        await complaint.skip_to(at(22, 2))
        returned = await complaint.deadlines()
        assert returned.running is not None
        assert returned.running.kind is DeadlineKind.RESOLUTION
        assert returned.running.due_at == at(30)  # 5 more working days from Tuesday the 22nd
        await complaint.skip_to(at(30, 1))
        assert complaint.service.kinds()[-1] == "resolution-4-escalation-supervisor"


async def test_the_agency_missing_its_answer_deadline_escalates(time_skipping: WorkflowEnvironment) -> None:
    async with running_complaint(time_skipping, holidays=()) as complaint:
        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        complaint.service.referred_to = ReferralAgency.LABOUR_INSPECTION
        await complaint.moves_to(ComplaintStatus.REFERRED)
        await complaint.skip_to(at(4, 17))
        due = (await complaint.deadlines()).running
        assert due is not None
        assert due.kind is DeadlineKind.REFERRAL_ANSWER
        await complaint.skip_to(due.due_at + timedelta(minutes=30))
        assert complaint.service.kinds()[-2:] == [
            f"referral_answer-{due.round}-reminder",
            f"referral_answer-{due.round}-escalation-supervisor",
        ]


async def test_a_repeated_event_is_applied_once(time_skipping: WorkflowEnvironment) -> None:
    async with running_complaint(time_skipping) as complaint:
        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        complaint.service.referred_to = ReferralAgency.LABOUR_ARBITRATION
        event_id = "0193a000-0000-7000-8000-00000000cafe"
        for _ in range(3):
            await complaint.handle.signal(
                "complaint_event",
                {
                    "event_id": event_id,
                    "event_type": "complaints.complaint_status_changed.v1",
                    "status": "referred",
                    "occurred_at": "2026-12-04T09:00:00Z",
                },
            )
        await complaint.skip_to(at(5))
        await complaint.moves_to(ComplaintStatus.CLOSED)
        result = await complaint.handle.result()
        assert result.referrals == 1


async def test_the_workflow_reads_what_it_was_not_told(time_skipping: WorkflowEnvironment) -> None:
    async with running_complaint(time_skipping, with_start_facts=False) as complaint:
        await complaint.skip_to(at(5))
        deadlines = await complaint.deadlines()
        assert deadlines.running is not None
        assert deadlines.running.due_at == at(10)


async def test_a_supervisor_extends_the_running_deadline_and_bad_extensions_are_refused(
    time_skipping: WorkflowEnvironment,
) -> None:
    async with running_complaint(time_skipping) as complaint:
        await complaint.skip_to(at(5))
        for bad in (
            DeadlineExtension(working_days=0, reason="x"),
            DeadlineExtension(working_days=31, reason="x"),
            DeadlineExtension(working_days=2, reason="  "),
        ):
            with pytest.raises(WorkflowUpdateFailedError):
                await complaint.handle.execute_update(
                    EXTEND_DEADLINE_UPDATE, bad, result_type=ComplaintDeadlines
                )
        extended = await complaint.handle.execute_update(
            EXTEND_DEADLINE_UPDATE,
            DeadlineExtension(working_days=2, reason="The worker is in hospital until Wednesday"),
            result_type=ComplaintDeadlines,
        )
        assert extended.running is not None
        assert extended.running.due_at == at(12)
        await complaint.skip_to(at(10, 0, 30))
        assert complaint.service.kinds() == []
        await complaint.skip_to(at(11, 8))
        assert complaint.service.kinds() == ["acknowledgement-1-reminder"]
        assert complaint.service.actions["acknowledgement-1-reminder"].due_at == at(12)

        await complaint.moves_to(ComplaintStatus.CLOSED)
        with pytest.raises(WorkflowUpdateFailedError):
            await complaint.handle.execute_update(
                EXTEND_DEADLINE_UPDATE,
                DeadlineExtension(working_days=1, reason="late"),
                result_type=ComplaintDeadlines,
            )


async def test_at_real_time_the_deadlines_are_real_dates(time_skipping: WorkflowEnvironment) -> None:
    """At time scale 1 the complaint's clock is the real clock: next Friday, before a Monday holiday."""
    today = (await time_skipping.get_current_time()).astimezone(CST).date()
    friday = today + timedelta(days=7 + (4 - today.weekday()) % 7)
    opened_at = datetime.combine(friday, time(16, 30), CST)
    async with running_complaint(
        time_skipping, opened_at=opened_at, holidays=(friday + timedelta(days=3),), time_scale=1
    ) as complaint:
        thursday = datetime.combine(friday + timedelta(days=6), time(), CST)
        await complaint.skip_to(opened_at + timedelta(hours=1))
        running = (await complaint.deadlines()).running
        assert running is not None
        assert running.due_at == thursday
        await complaint.skip_to(thursday + timedelta(minutes=5))
        assert complaint.service.kinds() == [
            "acknowledgement-1-reminder",
            "acknowledgement-1-escalation-supervisor",
        ]
