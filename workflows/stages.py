"""The journey's stages and the moves between them: the one table every stage change goes through."""

from contracts.journey import JourneyStage as Stage

_WORKING = frozenset({Stage.PLACED, Stage.BUSINESS_STARTED})
_BEFORE_WORK = frozenset({Stage.GUIDANCE_AND_PLAN, Stage.TRAINING, Stage.JOB_SEARCH})

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.ASSESSMENT: _BEFORE_WORK | _WORKING | {Stage.EXITED},
    Stage.GUIDANCE_AND_PLAN: (_BEFORE_WORK - {Stage.GUIDANCE_AND_PLAN}) | _WORKING | {Stage.EXITED},
    Stage.TRAINING: (_BEFORE_WORK - {Stage.TRAINING}) | _WORKING | {Stage.EXITED},
    Stage.JOB_SEARCH: (_BEFORE_WORK - {Stage.JOB_SEARCH}) | _WORKING | {Stage.EXITED},
    Stage.PLACED: frozenset({Stage.FOLLOW_UP, Stage.JOB_SEARCH, Stage.BUSINESS_STARTED, Stage.EXITED}),
    Stage.BUSINESS_STARTED: frozenset({Stage.FOLLOW_UP, Stage.JOB_SEARCH, Stage.PLACED, Stage.EXITED}),
    Stage.FOLLOW_UP: frozenset({Stage.STABLE_EMPLOYMENT, Stage.JOB_SEARCH, Stage.EXITED}) | _WORKING,
    Stage.STABLE_EMPLOYMENT: frozenset({Stage.ASSESSMENT}),
    Stage.EXITED: frozenset({Stage.ASSESSMENT}),
}
"""Where each stage may go. A job that ends sends the worker back to job search; a closed journey only
re-opens. Anything else (an event that arrives late, or early) leaves the stage as it is."""


def next_stage(current: Stage, wanted: Stage) -> Stage | None:
    """`wanted` when the table allows the move from `current`, else None."""
    return wanted if wanted in TRANSITIONS[current] else None
