"""The tab-writer: two-space gaps, right alignment, unpadded last column."""

from __future__ import annotations

import pytest

from pyjuju.cli.render.tables import Table, truncate


def test_columns_are_padded_to_widest_cell_plus_two_spaces():
    table = Table(["A", "Bee", "C"])
    table.add_row("long-value", "x", "last")
    table.add_row("s", "yyyyy", "")
    assert table.render() == ("A           Bee    C\nlong-value  x      last\ns           yyyyy\n")


def test_right_aligned_cells_sit_flush_with_the_header_end():
    table = Table(["App", "Scale", "Msg"], right_align={1})
    table.add_row("a", 1, "ok")
    table.add_row("b", "10/12", "")
    assert table.render() == ("App  Scale  Msg\na        1  ok\nb    10/12\n")


def test_last_column_never_widens_the_table():
    table = Table(["K", "Message"])
    table.add_row("a", "x" * 50)
    assert table.lines() == ["K  Message", "a  " + "x" * 50]


def test_short_rows_are_filled_and_none_is_empty():
    table = Table(["A", "B", "C"])
    table.add_row("1", None)
    assert table.rows == [["1", "", ""]]
    assert len(table) == 1


def test_too_many_cells_is_an_error():
    with pytest.raises(ValueError):
        Table(["A"]).add_row(1, 2)


def test_header_can_be_left_out():
    table = Table(["A", "B"], header=False)
    table.add_row("x", "y")
    assert table.render() == "x  y\n"
    assert Table(["A"], header=False).render() == ""


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 15, "short"),
        ("exactly-15-char", 15, "exactly-15-char"),
        ("1.2.3-very-long-version", 15, "1.2.3-very-l..."),
    ],
)
def test_truncate_keeps_the_limit_including_the_ellipsis(text, limit, expected):
    assert truncate(text, limit) == expected
    assert len(truncate(text, limit)) <= limit
