"""The JSON shapes of segments and their changes (the CLI's --json; an API would serve the same)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from dunwell.segments.service import ChangeRow, SegmentRow


class SegmentOut(BaseModel):
    customer_id: int
    external_id: str
    name: str
    segment: str = Field(description="early_payer … deteriorating (best to worst), or new_or_thin")
    habit: str = Field(description="as_due, weekly_run or month_end_run")
    figures: dict[str, float | int | None] = Field(description="The numbers behind the segment")
    reasons: list[str]

    @classmethod
    def of(cls, row: SegmentRow) -> SegmentOut:
        return cls.model_validate(row.to_dict())


class FigureMoveOut(BaseModel):
    figure: str
    before: float | int | None
    after: float | int | None


class SegmentChangeOut(BaseModel):
    customer_id: int
    external_id: str
    name: str
    before: str
    after: str
    worse: bool = Field(description="A move to a worse segment: an alert")
    moved: list[FigureMoveOut]
    reasons: list[str]

    @classmethod
    def of(cls, row: ChangeRow) -> SegmentChangeOut:
        return cls.model_validate(row.to_dict())


class SegmentList(BaseModel):
    as_of: date
    count: int
    by_segment: dict[str, int]
    customers: list[SegmentOut]


class SegmentChanges(BaseModel):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    changes: int
    alerts: int
    items: list[SegmentChangeOut]
