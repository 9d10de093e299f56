"""Pause the cyclic garbage collector while a bulk build allocates.

Loading a flow and building its search index allocate tens of thousands of
containers that all stay alive. Each allocation burst triggers collections that
rescan the whole growing heap for cycles that are not there: a fifth of the time
on a 10,000-node tree (bench/scale.py). Nothing built in these functions forms
a cycle, so the pause frees nothing late; reference counting still frees the rest.

The browser's start-up is such a build too: importing Textual and drawing the
first screen allocate objects that live as long as the program, and the
collections run while they pile up cost ~20 ms of a ~0.5 s start
(bench/first_screen_tmux.py). `pause_startup` turns the collector off before
those imports; `end_startup`, called once the first screen is drawn, freezes
what start-up built (moved out of every later collection, so no full
collection over the whole of Textual stalls a keystroke later) and turns the
collector on again.
"""

from __future__ import annotations

import gc

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")


_startup_paused = False


def pause_startup() -> None:
    """A front end starts: the collector stays off until `end_startup`."""
    global _startup_paused
    if gc.isenabled():
        gc.disable()
        _startup_paused = True


def end_startup() -> None:
    """The first screen is drawn: freeze what start-up built and turn the collector on again.

    A no-op unless `pause_startup` turned it off (tests build apps without it).
    The few cycles start-up left as garbage stay, frozen: a few hundred KB at most.
    """
    global _startup_paused
    if _startup_paused:
        _startup_paused = False
        gc.freeze()
        gc.enable()


def gc_paused(fn: Callable[..., T]) -> Callable[..., T]:
    """Run `fn` with the cyclic collector off, restoring its previous state."""

    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    wrapper.__name__ = fn.__name__
    wrapper.__qualname__ = fn.__qualname__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper
