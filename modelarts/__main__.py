"""``python -m modelarts``: the ``modelarts`` command (see ``modelarts.cli``)."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
