"""Where the store lives: ``LEDGER_DATABASE_URL``, SQLite in the data directory by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.settings import LedgerSettings
from ledger.store import StoreConfigError, normalize_database_url, open_store


def test_the_default_store_is_a_sqlite_file_in_the_data_directory(tmp_path: Path) -> None:
    settings = LedgerSettings(data_dir=tmp_path / "data")
    assert settings.effective_database_url == f"sqlite:///{tmp_path}/data/ledger.db"
    store = open_store(settings.effective_database_url)
    store.close()
    assert (tmp_path / "data" / "ledger.db").is_file()


def test_database_url_comes_from_the_environment_and_plain_postgresql_means_psycopg3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", "postgresql://indexer:s3cret@db.internal:5433/ledger")
    assert LedgerSettings().effective_database_url == "postgresql+psycopg://indexer:s3cret@db.internal:5433/ledger"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        (
            "postgresql+psycopg://u@h/db?options=-csearch_path%3Dx",
            "postgresql+psycopg://u@h/db?options=-csearch_path%3Dx",
        ),
        ("sqlite:////var/lib/ledger/ledger.db", "sqlite:////var/lib/ledger/ledger.db"),
    ],
)
def test_supported_urls_are_normalised(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db"])
def test_other_backends_and_drivers_are_refused(url: str) -> None:
    with pytest.raises(StoreConfigError):
        normalize_database_url(url)
