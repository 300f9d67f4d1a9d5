"""Rule 16 of issue 11: provinces use distinct chain ids. The embedded node's chain id is a setting of each
deployment, and the node refuses to start on the chain id of a province the ledger recognises."""

from __future__ import annotations

import pytest

from ledger.chain import EmbeddedNode, require_distinct_chain_id
from ledger.errors import ChainIdConflict, NonRetryableError
from ledger.settings import LedgerSettings

GUANGXI, GUANGDONG, YUNNAN = 4501, 4401, 5301


def test_a_chain_id_of_a_recognised_province_is_refused_naming_it_and_the_setting() -> None:
    require_distinct_chain_id(GUANGXI, [GUANGDONG, YUNNAN], where="deployment")
    require_distinct_chain_id(GUANGXI, [], where="deployment")
    with pytest.raises(ChainIdConflict) as info:
        require_distinct_chain_id(GUANGDONG, [GUANGDONG, YUNNAN], where="deployment")
    message = str(info.value)
    assert message.startswith("deployment: chain id 4401 is the chain id of a province this ledger recognises")
    assert "LEDGER_RECOGNISED_CHAIN_IDS" in message and "distinct chain ids" in message
    assert isinstance(info.value, NonRetryableError)


def test_the_chain_id_and_the_recognised_provinces_are_settings_of_each_deployment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert LedgerSettings().chain_id == 31337 and LedgerSettings().recognised_chain_ids == []
    monkeypatch.setenv("LEDGER_CHAIN_ID", str(GUANGXI))
    monkeypatch.setenv("LEDGER_RECOGNISED_CHAIN_IDS", f"[{GUANGDONG}, {YUNNAN}]")
    settings = LedgerSettings()
    assert (settings.chain_id, settings.recognised_chain_ids) == (GUANGXI, [GUANGDONG, YUNNAN])


def test_the_embedded_node_does_not_start_on_a_recognised_provinces_chain_id(tmp_settings: LedgerSettings) -> None:
    settings = tmp_settings.model_copy(update={"chain_id": GUANGDONG, "recognised_chain_ids": [GUANGDONG]})
    node = EmbeddedNode(settings)
    with pytest.raises(ChainIdConflict, match="embedded node: chain id 4401"):
        node.start()
    assert not node.is_running and node.pid is None
    assert not node.directory.exists(), "nothing of the node was set up"
