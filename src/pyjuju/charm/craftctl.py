"""``craftctl`` for ``override-*`` scripts run by ``pyjuju pack``.

charmcraft's scripts call ``craftctl default`` to run a step's usual work
(the plugin's build, say) before or after their own. ``pyjuju pack`` puts a
``craftctl`` on the scripts' ``PATH`` that runs this module, which finds the
pack in progress through ``$PYJUJU_PACK_CONTEXT`` and the part and step
through ``$CRAFT_PART_NAME`` and ``$CRAFT_STEP_NAME``. Only ``default`` is
offered; ``set``/``get`` (project variables such as ``version``) mean nothing
for a charm packed here and are refused rather than ignored.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyjuju.core.errors import CharmError

from .lifecycle import CONTEXT_ENV, PackContext, default_step, rebuild_part


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["default"] or len(args) != 1:
        what = args[0] if args else "(nothing)"
        print(f"craftctl: {what!r} is not supported by pyjuju pack (only `craftctl default` is)",
              file=sys.stderr)
        return 2
    context = os.environ.get(CONTEXT_ENV)
    name = os.environ.get("CRAFT_PART_NAME")
    step = os.environ.get("CRAFT_STEP_NAME", "").lower()
    if not context or not name or not step:
        print("craftctl: not running inside a part's step of pyjuju pack", file=sys.stderr)
        return 2
    ctx = PackContext.load(Path(context))
    try:
        default_step(ctx, rebuild_part(ctx, name), step, lambda m: print(m, file=sys.stderr))
    except CharmError as exc:
        print(f"craftctl default: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
