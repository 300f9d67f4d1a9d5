"""The ``ledger`` command line (Typer): ``ledger.cli.main:app``.

One module per area (``node``, ``keys``, ``participant``, ``asset``, ``license``, ``token``,
``trade``, ``supervise``); shared parsing in ``_params``, connection and output in ``_session``,
rendering in ``format``. Importing this package does not import Typer's app.
"""
