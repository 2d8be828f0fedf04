"""What the alert rules look at. The monitor's pipeline poller fills one per evaluation cycle."""

import msgspec


class ConsumerBacklog(msgspec.Struct, frozen=True, kw_only=True):
    stream: str
    consumer: str
    pending: int  # messages not yet delivered (JetStream num_pending)
    ack_pending: int  # delivered, not yet acknowledged
    redelivered: int


class ServiceHeartbeat(msgspec.Struct, frozen=True, kw_only=True):
    service: str
    last_seen: float  # Unix seconds of the latest heartbeat
    instance_id: str = ""


class ServiceTraffic(msgspec.Struct, frozen=True, kw_only=True):
    """Requests and errors of one service over the feeder's recent window (e.g. 60 s)."""

    service: str
    requests: int
    errors: int


class DbPoolUsage(msgspec.Struct, frozen=True, kw_only=True):
    service: str
    in_use: int
    size: int


class PipelineSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    taken_at: float  # Unix seconds
    consumers: list[ConsumerBacklog] = []
    dead_letters: int = 0
    heartbeats: list[ServiceHeartbeat] = []
    traffic: list[ServiceTraffic] = []
    memory_percent: float | None = None  # host memory in use
    cpu_percent: float | None = None  # host CPU busy
    db_pools: list[DbPoolUsage] = []
