"""Constraints: parsing, empty values (reset), merging and rendering."""

from __future__ import annotations

import pytest

from pyjuju.core.constraints import Constraints
from pyjuju.core.errors import InvalidArgumentError


def test_parse_sizes_lists_and_aliases() -> None:
    c = Constraints.parse("mem=1G cpu-cores=2", "tags=a,b root-disk=1.5G")
    assert c.as_dict() == {"mem": 1024, "cores": 2, "tags": ["a", "b"], "root-disk": 1536}
    assert str(c) == "mem=1G cores=2 tags=a,b root-disk=1536M"


def test_empty_value_leaves_the_key_unset() -> None:
    c = Constraints.parse("mem= cores=2")
    assert c.as_dict() == {"cores": 2}
    assert Constraints.parse("mem=").values == ()
    # naming a key twice is still an error, even if one of them is empty
    with pytest.raises(InvalidArgumentError, match="already set"):
        Constraints.parse("mem= mem=1G")


def test_merged_overrides_key_by_key() -> None:
    model = Constraints.parse("mem=4G cores=1 arch=amd64")
    app = Constraints.parse("cores=2 tags=x")
    assert model.merged(app).as_dict() == {"mem": 4096, "cores": 2, "arch": "amd64", "tags": ["x"]}


def test_item_text_and_get() -> None:
    c = Constraints.parse("mem=64G cores=64")
    assert c.item_text("mem") == "mem=64G" and c.get("cores") == 64 and c.get("arch") is None


@pytest.mark.parametrize("text", ["cores=x", "mem=1Q", "bogus=1", "mem", "allocate-public-ip=maybe"])
def test_bad_constraints(text: str) -> None:
    with pytest.raises(InvalidArgumentError):
        Constraints.parse(text)
