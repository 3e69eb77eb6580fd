"""A tab-writer for Juju-style tables.

Juju lays out every tabular listing (``status``, ``models``, ``machines``,
``config``...) with one tab writer configured as minwidth 0, tabwidth 1,
padding 2, pad character space. Reproducing that exactly is what makes our
tables line up the way people (and their screen-scraping scripts) expect.

Two details of Juju's writer matter:

* A right-aligned cell is padded on the left up to the column's text width and
  still gets the two-space gap on its right (the App section's ``Scale`` and
  ``Rev`` columns), so the header sits flush with the numbers below it.
* The last cell of a line is not part of any column: it is never padded, which
  is why long ``Message`` values do not widen anything. Trailing spaces are
  stripped from every line.

Widths count code points, which is what Go's writer does for text without
escape sequences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

ELLIPSIS = "..."
PADDING = 2


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, the last three being ``...``.

    Juju truncates status messages (120) and workload versions (15/30) this
    way so one long value cannot push a whole table off the screen.
    """
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


class Table:
    """Rows of cells laid out in columns with a two-space minimum gap.

    ``columns`` is the header row; ``right_align`` holds zero-based column
    indexes whose cells are right-aligned. Rows shorter than the header are
    padded with empty cells so every row spans the same columns (as Juju's
    writer computes one width per column for the whole section).
    """

    def __init__(
        self,
        columns: Sequence[str],
        right_align: Iterable[int] = (),
        *,
        header: bool = True,
    ) -> None:
        self.columns = [str(c) for c in columns]
        self.right_align = set(right_align)
        self.header = header
        self.rows: list[list[str]] = []

    def add_row(self, *cells: object) -> None:
        """Append one row; ``None`` renders as an empty cell."""
        if len(cells) > len(self.columns):
            raise ValueError(f"row has {len(cells)} cells, table has {len(self.columns)} columns")
        row = ["" if c is None else str(c) for c in cells]
        row.extend([""] * (len(self.columns) - len(row)))
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def lines(self) -> list[str]:
        """The laid-out lines, without newlines or trailing spaces."""
        rows = ([self.columns] if self.header else []) + self.rows
        if not rows:
            return []
        last = len(self.columns) - 1
        widths = [max(len(r[i]) for r in rows) for i in range(last)]
        out = []
        for row in rows:
            parts = []
            for i, cell in enumerate(row):
                if i == last:
                    parts.append(cell)
                elif i in self.right_align:
                    parts.append(cell.rjust(widths[i]) + " " * PADDING)
                else:
                    parts.append(cell.ljust(widths[i] + PADDING))
            out.append("".join(parts).rstrip())
        return out

    def render(self) -> str:
        """The table as text, one newline-terminated line per row."""
        return "".join(line + "\n" for line in self.lines())
