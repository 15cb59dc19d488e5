"""The one worker boundary: every blocking call the UI makes runs through `run_blocking`.

The call runs in a daemon thread, awaited by an async worker: the UI never freezes, a call
that hangs never keeps the app from quitting (Escape or q leave at once; the thread dies
with the process), and a result that arrives after its worker was cancelled is dropped.
The worker's name and description are the sentence the caller gives, never the repr of
its arguments (Textual would show those, passwords included, in logs and crash reports).
Every exception ends in `failed(error)` with one sentence; the app stays up.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from functools import partial
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from cogtui.errors import CogtuiError

T = TypeVar("T")


def unexpected(what: str, error: BaseException) -> CogtuiError:
    """An error no layer expected, as one sentence that names what failed (never a value)."""
    return CogtuiError(f"{what} failed because of an unexpected error ({type(error).__name__}).")


def run_blocking(
    node: DOMNode,
    what: str,
    call: Callable[[], T],
    done: Callable[[T], object],
    failed: Callable[[CogtuiError], object],
    *,
    group: str = "cognito",
) -> Worker[None]:
    """Run `call` off the UI; then `done(result)` or `failed(error)`, on the UI thread.

    `what` says what is being done ("Loading your attributes"): it names the worker and
    the error. Only one call per group runs at a time: a new one cancels the last.
    """
    future: Future[T] = Future()

    def in_thread() -> None:
        try:
            result = call()
        except BaseException as error:  # every failure reaches `failed`, none escapes
            settle(partial(future.set_exception, error))
        else:
            settle(partial(future.set_result, result))

    def settle(answer: Callable[[], None]) -> None:
        # A call whose worker was cancelled (Escape, sign-out) answers nobody: its future
        # is cancelled already, and saying so would be an exception of this thread's own.
        with contextlib.suppress(InvalidStateError):
            answer()

    async def work() -> None:
        threading.Thread(target=in_thread, name=what, daemon=True).start()
        try:
            result = await asyncio.wrap_future(future)
        except CogtuiError as error:
            failed(error)
            return
        except Exception as error:
            failed(unexpected(what, error))
            return
        done(result)

    return node.run_worker(work, name=what, group=group, description=what, exclusive=True)


def cancel(node: DOMNode, group: str = "cognito") -> None:
    """Forget the calls in flight in `group`: their results, when they come, are dropped."""
    node.workers.cancel_group(node, group)
