"""The hang-up watchdog (issue 14): recovery written once, the process ended in time."""

from __future__ import annotations

import threading

from newsroom import lifeline


def _wait(event: threading.Event) -> None:
    assert event.wait(30), "the watchdog never finished"


def test_a_stuck_loop_is_bypassed_and_the_process_ended() -> None:
    flushed, ended = [], threading.Event()
    codes: list[int] = []

    def end(code: int) -> None:
        codes.append(code)
        ended.set()

    dog = lifeline.Watchdog(
        lambda reason: True,  # scheduled, but the loop never runs it
        lambda reason: flushed.append(reason),
        hard_exit=end,
    )
    dog.trigger("SIGHUP")
    dog.trigger("SIGTERM")  # once only
    _wait(ended)
    assert flushed == ["SIGHUP"] and codes == [129]


def test_the_loop_flushes_and_the_fallback_does_not_repeat_it() -> None:
    flushed, ended = [], threading.Event()
    dog: lifeline.Watchdog

    def on_loop(reason: str) -> bool:
        threading.Thread(target=dog.run_flush).start()  # stands in for the app's loop
        return True

    dog = lifeline.Watchdog(
        on_loop, lambda reason: flushed.append(reason), hard_exit=lambda code: ended.set()
    )
    dog.trigger("end of input")
    _wait(ended)
    assert flushed == ["end of input"]


def test_exit_codes_follow_the_shell() -> None:
    assert lifeline.exit_code("SIGHUP") == 129
    assert lifeline.exit_code("SIGTERM") == 143
    assert lifeline.exit_code("terminal read failed (Input/output error)") == 129
