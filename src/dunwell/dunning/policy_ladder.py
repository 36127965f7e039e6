"""The rules a ladder of well-formed steps must follow as a whole (ADR 0029).

The planner walks a ladder in order and stops at the first step not reached, so a step written
before another must not come later in time: among the steps counted from the same anchor (due date
or month end) the days must increase. A step counted from the previous step needs one before it and
comes at least a day after it, which is also what makes re-planning on the day a step was sent a
no-op.
"""

from __future__ import annotations

from collections.abc import Sequence

from dunwell.dunning.policy import Anchor, Step

#: (line, path below ``steps`` such as ``[2].days``, message)
LadderProblem = tuple[int, str, str]


def check_ladder(steps: Sequence[tuple[int, Step, int]]) -> list[LadderProblem]:
    """Problems of a ladder given as (index in the file, step, line); steps that could not be read
    are left out, so the rest are still checked."""
    problems: list[LadderProblem] = []
    first_with_id: dict[str, int] = {}
    last_of_anchor: dict[Anchor, Step] = {}
    for index, step, line in steps:
        if step.id in first_with_id:
            problems.append(
                (line, f"[{index}].id", f"{step.id!r} is already the id of steps[{first_with_id[step.id]}]")
            )
        else:
            first_with_id[step.id] = index
        if step.anchor is Anchor.PREVIOUS_STEP:
            if index == 0:
                problems.append((line, "[0].from", "the first step has no previous step to count from"))
            if step.days < 1:
                problems.append(
                    (
                        line,
                        f"[{index}].days",
                        "a step counted from the previous step comes at least 1 day after it",
                    )
                )
        else:
            earlier = last_of_anchor.get(step.anchor)
            if earlier is not None and earlier.days >= step.days:
                problems.append(
                    (
                        line,
                        f"[{index}].days",
                        f"{step.describe_when()} is not after step {earlier.id!r} "
                        f"({earlier.describe_when()}): "
                        "a ladder runs forward in time",
                    )
                )
            last_of_anchor[step.anchor] = step
        if step.is_pre_due:
            for claim, claimed in (
                ("claim_interest", step.claim_interest),
                ("claim_compensation", step.claim_compensation),
            ):
                if claimed:
                    problems.append((line, f"[{index}].{claim}", "nothing is late before the due date"))
    return problems
