"""The ``pyjuju`` executable."""

from __future__ import annotations


def main() -> None:
    from ..cli.main import cli

    cli()


if __name__ == "__main__":
    main()
