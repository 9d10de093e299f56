"""Pause the cyclic garbage collector while a bulk build allocates.

Loading a flow and building its search index allocate tens of thousands of
containers that all stay alive. Each allocation burst triggers collections that
rescan the whole growing heap for cycles that are not there: a fifth of the time
on a 10,000-node tree (bench/scale.py). Nothing built in these functions forms
a cycle, so the pause frees nothing late; reference counting still frees the rest.
"""

from __future__ import annotations

import gc

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")


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
