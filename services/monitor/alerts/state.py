"""Alert states as the API shows them, and the transitions sent to the webhook."""

from typing import Literal

import msgspec

Status = Literal["firing", "resolved"]


class AlertState(msgspec.Struct, kw_only=True):
    alert: str
    rule: str
    severity: str
    status: Status
    since: float  # Unix seconds of the latest transition
    summary: str
    value: float
    threshold: float
    fired_at: float


class AlertEvent(msgspec.Struct, frozen=True, kw_only=True):
    """Webhook payload: one fire or resolve transition."""

    alert: str
    rule: str
    severity: str
    status: Status
    since: float
    summary: str
    value: float
    threshold: float


class AlertsView(msgspec.Struct, frozen=True, kw_only=True):
    """``GET /api/alerts``: firing alerts first, then those resolved recently."""

    evaluated_at: float | None
    firing: list[AlertState]
    resolved: list[AlertState]
