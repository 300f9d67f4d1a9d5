"""``python -m ledger.cli``: the ``ledger`` command (used to run the node in the background)."""

from ledger.cli.main import main

main()
