from datetime import UTC, datetime

import pytest

from shared.tenancy.api_keys import (
    ApiKeyRecord,
    MalformedAuthorization,
    find_matching_key,
    generate_api_key,
    hash_api_key,
    looks_like_api_key,
    parse_bearer,
    verify_api_key,
)


def record(secret_hash: str, *, revoked: bool = False, key_id: str = "k1") -> ApiKeyRecord:
    now = datetime.now(UTC)
    return ApiKeyRecord(
        id=key_id,
        tenant_id="t1",
        name="ci",
        prefix="sum_abcdefgh",
        secret_hash=secret_hash,
        created_at=now,
        revoked_at=now if revoked else None,
    )


def test_generated_keys_are_well_formed_unique_and_stored_only_as_hashes() -> None:
    keys = [generate_api_key() for _ in range(100)]
    assert len({key.secret for key in keys}) == 100
    key = keys[0]
    assert looks_like_api_key(key.secret)
    assert key.secret.startswith(key.prefix) and len(key.prefix) == 12
    assert key.secret_hash == hash_api_key(key.secret) and key.secret not in key.secret_hash
    assert key.secret not in repr(key)


def test_verification_accepts_the_key_and_nothing_else() -> None:
    key = generate_api_key()
    assert verify_api_key(key.secret, key.secret_hash)
    assert not verify_api_key(key.secret[:-1] + "A", key.secret_hash)
    assert not verify_api_key(generate_api_key().secret, key.secret_hash)


def test_the_matching_active_record_is_found_among_prefix_twins() -> None:
    key = generate_api_key()
    other = generate_api_key()
    candidates = [record(other.secret_hash, key_id="a"), record(key.secret_hash, key_id="b")]
    found = find_matching_key(key.secret, candidates)
    assert found is not None and found.id == "b"
    assert find_matching_key(key.secret, [record(key.secret_hash, revoked=True)]) is None


def test_bearer_headers_are_parsed() -> None:
    key = generate_api_key().secret
    assert parse_bearer(f"Bearer {key}") == key
    assert parse_bearer(f"bearer   {key}  ") == key
    assert parse_bearer(None) is None
    assert parse_bearer("  ") is None


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer sum_short", "Bearer not-a-sum-key" * 3]
)
def test_malformed_headers_get_a_clear_error_without_echoing_the_value(header: str) -> None:
    with pytest.raises(MalformedAuthorization) as caught:
        parse_bearer(header)
    credentials = header.partition(" ")[2]
    if credentials:
        assert credentials not in str(caught.value)
