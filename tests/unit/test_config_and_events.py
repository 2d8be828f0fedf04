from datetime import UTC, datetime

import pytest

from services.gateway.settings import GatewaySettings
from shared.config import CommonSettings, load_settings
from shared.events import DocumentReceivedV1, Names, decode, encode
from shared.events.codec import UndecodableMessage


def test_settings_come_from_sum_variables_with_local_defaults(tmp_path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    settings = load_settings(
        GatewaySettings,
        {
            "SUM_GATEWAY_PORT": "6001",
            "SUM_AUTO_MIGRATE": "0",
            "SUM_DATABASE_PASSWORD_FILE": str(secret),
        },
    )
    assert settings.gateway_port == 6001
    assert settings.auto_migrate is False
    assert settings.nats_url == "nats://127.0.0.1:4222"
    assert settings.dsn() == "postgresql://postgres:s3cret@127.0.0.1:5432/sum"


def test_bad_setting_is_a_clear_error() -> None:
    with pytest.raises(SystemExit, match="gateway_port"):
        load_settings(GatewaySettings, {"SUM_GATEWAY_PORT": "many"})


@pytest.mark.parametrize("replicas", ["0", "6", "three"])
def test_stream_replicas_outside_one_to_five_are_refused(replicas: str) -> None:
    with pytest.raises(SystemExit, match="nats_replicas"):
        load_settings(CommonSettings, {"SUM_NATS_REPLICAS": replicas})
    assert load_settings(CommonSettings, {"SUM_NATS_REPLICAS": "3"}).nats_replicas == 3
    assert load_settings(CommonSettings, {}).nats_replicas == 1


def test_event_round_trip_and_versioned_subject() -> None:
    event = DocumentReceivedV1(
        document_id="d1",
        tenant="t",
        filename="a.txt",
        content_type="text/plain",
        kind="txt",
        size=3,
        sha256="00",
        object_name="t/d1",
        received_at=datetime.now(UTC),
        priority="high",
    )
    assert decode(encode(event), DocumentReceivedV1) == event
    assert Names("sum").subject(DocumentReceivedV1, "high") == "sum.documents.received.v1.high"


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    data = (
        b'{"document_id":"d","tenant":"t","filename":"a","content_type":"c","kind":"txt",'
        b'"size":1,"sha256":"s","object_name":"o","received_at":"2026-01-01T00:00:00Z",'
        b'"added_later":42}'
    )
    assert decode(data, DocumentReceivedV1).document_id == "d"


def test_garbage_is_undecodable() -> None:
    with pytest.raises(UndecodableMessage):
        decode(b"{not json", DocumentReceivedV1)
