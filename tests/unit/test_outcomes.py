from shared.errors import PermanentError, RetryableError
from shared.events.codec import UndecodableMessage
from shared.messaging.outcomes import Action, RetryPolicy, decide

POLICY = RetryPolicy(base=1.0, cap=8.0, max_deliver=4)


def test_success_is_acked() -> None:
    assert decide(None, 1, POLICY).action is Action.ACK


def test_retryable_error_is_retried_with_growing_capped_delay() -> None:
    delays = [decide(RetryableError("db down"), n, POLICY).delay for n in (1, 2, 3)]
    assert all(d > 0 for d in delays)
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0 and 2.0 <= delays[2] <= 4.0
    assert all(POLICY.delay(n) <= 8.0 for n in range(1, 30))


def test_unexpected_error_counts_as_retryable() -> None:
    outcome = decide(ValueError("boom"), 1, POLICY)
    assert outcome.action is Action.RETRY and outcome.error_type == "ValueError"


def test_permanent_and_undecodable_go_to_dead_letter_at_once() -> None:
    for error in (PermanentError("bad"), UndecodableMessage("garbage")):
        outcome = decide(error, 1, POLICY)
        assert outcome.action is Action.DEAD_LETTER
        assert outcome.reason in ("bad", "garbage")


def test_last_delivery_failing_goes_to_dead_letter() -> None:
    outcome = decide(RetryableError("still down"), 4, POLICY)
    assert outcome.action is Action.DEAD_LETTER
    assert "gave up after 4 deliveries" in outcome.reason
