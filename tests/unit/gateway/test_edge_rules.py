"""Pure rules of the gateway edge: client address, settings parsing, cursors, key caching."""

from datetime import UTC, datetime

import pytest

from services.gateway.edge.api_keys import Authenticator, Unauthenticated
from services.gateway.edge.client_address import client_address, parse_networks
from services.gateway.edge.load_shedding import LoadShedder, Overloaded, Thresholds, UploadSlots
from services.gateway.http.document_routes import decode_cursor, encode_cursor
from services.gateway.settings import parse_limits
from shared.tenancy.api_keys import ApiKeyRecord, generate_api_key
from shared.web.problems import Problem


def scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 1234), "headers": headers}


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "198.51.100.7", "", "203.0.113.5"),  # no proxies trusted
        ("203.0.113.5", "198.51.100.7", "10.0.0.0/8", "203.0.113.5"),  # peer is not a proxy
        ("10.0.0.2", "198.51.100.7", "10.0.0.0/8", "198.51.100.7"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", "10.0.0.0/8", "198.51.100.7"),
        ("10.0.0.2", "not-an-ip", "10.0.0.0/8", "10.0.0.2"),
        ("10.0.0.2", None, "10.0.0.0/8", "10.0.0.2"),
    ],
)
def test_forwarded_for_counts_only_behind_trusted_proxies(peer, forwarded, trusted, expected):
    assert client_address(scope(peer, forwarded), parse_networks(trusted)) == expected


def test_bad_settings_stop_the_gateway_with_a_clear_message():
    with pytest.raises(SystemExit, match="TRUSTED_PROXIES"):
        parse_networks("10.0.0.0/8, nonsense")
    with pytest.raises(SystemExit, match="UPLOAD_LIMITS"):
        parse_limits("exe=100")
    assert parse_limits(" csv=5, pdf=7 ") == {"csv": 5, "pdf": 7}


def test_cursors_round_trip_and_garbage_is_a_400():
    row = {
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        "id": "0" * 8 + "-0000-4000-8000-" + "0" * 12,
    }
    cursor = decode_cursor(encode_cursor(row))
    assert (cursor.created_at, cursor.id) == (row["created_at"], row["id"])
    with pytest.raises(Problem) as bad:
        decode_cursor("bm90IGEgY3Vyc29y")
    assert bad.value.status == 400


def test_upload_slots_refuse_beyond_the_cap_and_free_on_exit():
    slots = UploadSlots(1)
    with slots.take():
        with pytest.raises(Overloaded):
            with slots.take():
                pass
    with slots.take():
        assert slots.in_use == 1


def test_shedding_refuses_low_before_normal_before_high():
    shedder = LoadShedder(
        Thresholds(
            backlog={"low": 10, "normal": 20, "high": 30},
            memory_bytes={"low": 2**60, "normal": 2**60, "high": 2**60},
        )
    )
    refused = {}
    for backlog in (5, 15, 25, 35):
        shedder.backlog = backlog
        for priority in ("low", "normal", "high"):
            try:
                shedder.check(priority)
            except Overloaded:
                refused.setdefault(priority, backlog)
    assert refused == {"low": 15, "normal": 25, "high": 35}


class FakeKeys:
    def __init__(self, records: list[ApiKeyRecord]) -> None:
        self.records = records
        self.lookups = 0

    async def with_prefix(self, prefix: str) -> list[ApiKeyRecord]:
        self.lookups += 1
        return [r for r in self.records if r.prefix == prefix]


async def test_keys_are_cached_for_the_configured_time_then_looked_up_again():
    key = generate_api_key()
    record = ApiKeyRecord(
        id="k1",
        tenant_id="acme",
        name="",
        prefix=key.prefix,
        secret_hash=key.secret_hash,
        created_at=datetime.now(UTC),
    )
    keys = FakeKeys([record])
    now = [0.0]
    auth = Authenticator(keys, cache_seconds=10, clock=lambda: now[0])  # type: ignore[arg-type]
    assert (await auth.authenticate(f"Bearer {key.secret}")).tenant == "acme"
    assert (await auth.authenticate(f"Bearer {key.secret}")).tenant == "acme"
    assert keys.lookups == 1
    keys.records = []  # revoked
    now[0] = 11
    with pytest.raises(Unauthenticated):
        await auth.authenticate(f"Bearer {key.secret}")
    for header in (None, "Basic abc", "Bearer sum_short"):
        with pytest.raises(Unauthenticated):
            await auth.authenticate(header)
