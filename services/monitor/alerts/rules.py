"""Alert rules: pure functions from a snapshot to the alerts that should be firing now.

Each finding carries a unique ``alert`` key (rule plus subject, e.g.
``backlog_high:DOCUMENTS/ingest``) so one rule can fire independently per consumer or service.
"""

from collections.abc import Callable

import msgspec

from .config import AlertThresholds
from .snapshot import PipelineSnapshot


class Finding(msgspec.Struct, frozen=True):
    alert: str
    rule: str
    severity: str  # "warning" or "critical"
    summary: str
    value: float
    threshold: float


Rule = Callable[[PipelineSnapshot, AlertThresholds, float], list[Finding]]
NEVER = float("-inf")


def memory_high(snapshot: PipelineSnapshot, limits: AlertThresholds, now: float) -> list[Finding]:
    used, limit = snapshot.memory_percent, limits.memory_percent
    if used is None or used <= limit:
        return []
    summary = f"memory at {used:.1f} % (limit {limit:g} %)"
    return [Finding("memory_high", "memory_high", "warning", summary, used, limit)]


def cpu_high(snapshot: PipelineSnapshot, limits: AlertThresholds, now: float) -> list[Finding]:
    busy, limit = snapshot.cpu_percent, limits.cpu_percent
    if busy is None or busy <= limit:
        return []
    summary = f"CPU at {busy:.1f} % (limit {limit:g} %)"
    return [Finding("cpu_high", "cpu_high", "warning", summary, busy, limit)]


def backlog_high(snapshot: PipelineSnapshot, limits: AlertThresholds, now: float) -> list[Finding]:
    limit = limits.backlog_pending
    findings = []
    for consumer in snapshot.consumers:
        if consumer.pending > limit:
            name = f"{consumer.stream}/{consumer.consumer}"
            summary = f"{consumer.pending} messages pending for {name} (limit {limit})"
            alert = f"backlog_high:{name}"
            findings.append(
                Finding(alert, "backlog_high", "warning", summary, consumer.pending, limit)
            )
    return findings


def error_rate_high(
    snapshot: PipelineSnapshot, limits: AlertThresholds, now: float
) -> list[Finding]:
    limit = limits.error_rate_percent
    findings = []
    for traffic in snapshot.traffic:
        if traffic.requests < max(1, limits.error_rate_min_requests):
            continue
        rate = round(100.0 * traffic.errors / traffic.requests, 2)
        if rate > limit:
            summary = f"{traffic.service}: {rate:.1f} % of {traffic.requests} requests failed"
            alert = f"error_rate_high:{traffic.service}"
            findings.append(Finding(alert, "error_rate_high", "critical", summary, rate, limit))
    return findings


def db_pool_exhausted(
    snapshot: PipelineSnapshot, limits: AlertThresholds, now: float
) -> list[Finding]:
    findings = []
    for pool in snapshot.db_pools:
        if pool.size > 0 and pool.in_use >= pool.size:
            summary = f"{pool.service}: all {pool.size} database connections in use"
            alert = f"db_pool_exhausted:{pool.service}"
            findings.append(
                Finding(alert, "db_pool_exhausted", "critical", summary, pool.in_use, pool.size)
            )
    return findings


def dead_letters(snapshot: PipelineSnapshot, limits: AlertThresholds, now: float) -> list[Finding]:
    depth, limit = snapshot.dead_letters, limits.dead_letters
    if depth <= limit:
        return []
    summary = f"{depth} message(s) in the dead-letter stream"
    return [Finding("dead_letters", "dead_letters", "critical", summary, depth, limit)]


def service_missing(
    snapshot: PipelineSnapshot, limits: AlertThresholds, now: float
) -> list[Finding]:
    """Expected services without any heartbeat, and any service whose heartbeats stopped."""
    limit = limits.service_missing_seconds
    latest: dict[str, float] = dict.fromkeys(limits.expected_services, NEVER)
    for beat in snapshot.heartbeats:
        latest[beat.service] = max(latest.get(beat.service, NEVER), beat.last_seen)
    findings = []
    for service, last_seen in sorted(latest.items()):
        silent_for = now - last_seen
        if silent_for <= limit:
            continue
        if last_seen == NEVER:
            summary, value = f"{service}: no heartbeat received", -1.0
        else:
            summary, value = f"{service}: no heartbeat for {silent_for:.0f} s", silent_for
        alert = f"service_missing:{service}"
        findings.append(Finding(alert, "service_missing", "critical", summary, value, limit))
    return findings


DEFAULT_RULES: tuple[Rule, ...] = (
    memory_high,
    cpu_high,
    backlog_high,
    error_rate_high,
    db_pool_exhausted,
    dead_letters,
    service_missing,
)
