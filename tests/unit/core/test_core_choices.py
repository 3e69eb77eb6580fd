from __future__ import annotations

from typing import Literal

import pytest

from pyjuju.core.choices import one_of

Mode = Literal["", "retry", "no-retry"]
MODES: tuple[Mode, ...] = ("", "retry", "no-retry")


@pytest.mark.parametrize("value", ["", "retry", "no-retry"])
def test_a_listed_value_is_returned(value: str) -> None:
    assert one_of(value, MODES) == value


def test_an_unlisted_value_raises_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="'later' is not one of '', 'retry', 'no-retry'"):
        one_of("later", MODES)
