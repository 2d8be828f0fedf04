import pytest
from intake_samples import inspect

from services.gateway.intake import EmptyFile, IntakePolicy, TooLarge, UploadInspector
from services.gateway.intake.policy import DEFAULT_LIMITS, MB


def test_default_limits_follow_the_platform_policy() -> None:
    policy = IntakePolicy()
    assert policy.limit_for("pdf") == 50 * MB
    assert policy.limit_for("docx") == 25 * MB
    assert policy.limit_for("csv") == 100 * MB
    assert {policy.limit_for(kind) for kind in ("txt", "md", "json", "html")} == {10 * MB}
    assert IntakePolicy(limits={"txt": 5}).limit_for("pdf") == DEFAULT_LIMITS["pdf"]


async def test_crossing_the_limit_raises_at_once_naming_it() -> None:
    inspector = UploadInspector("a.txt", None, IntakePolicy(limits={"txt": 10}), None)
    await inspector.feed(b"12345678")
    with pytest.raises(TooLarge) as caught:
        await inspector.feed(b"901")
    assert caught.value.status == 413
    assert caught.value.extra["limit"] == 10
    assert "10 bytes" in caught.value.detail
    with pytest.raises(RuntimeError):
        await inspector.feed(b"more")


async def test_exactly_the_limit_is_accepted() -> None:
    result = await inspect("a.txt", b"x" * 10, policy=IntakePolicy(limits={"txt": 10}))
    assert result.size == 10


async def test_an_empty_upload_is_a_400() -> None:
    with pytest.raises(EmptyFile) as caught:
        await inspect("a.pdf", b"")
    assert caught.value.status == 400
    assert caught.value.problem()["problem_type"] == "empty-file"


async def test_without_a_scanner_the_result_says_unscanned() -> None:
    result = await inspect("a.txt", b"hello")
    assert result.scan_status == "unscanned"
