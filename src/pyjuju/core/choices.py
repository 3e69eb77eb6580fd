"""Narrowing a plain string to one of a Literal's values.

Strings read from the store or the command line are typed ``str``; the wire's
fields are Literals. Looking the value up in a tuple typed with the Literal
gives the type checker the narrow type without a cast, and keeps the check a
model would make at run time: a value outside the choices raises.
"""

from __future__ import annotations

from typing import TypeVar

C = TypeVar("C", bound=str)


def one_of(value: str, choices: tuple[C, ...]) -> C:
    """``value`` as the member of ``choices`` equal to it; ValueError when there is none."""
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"{value!r} is not one of {', '.join(repr(c) for c in choices)}")
