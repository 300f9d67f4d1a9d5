// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ViewBatch
/// @notice Many view calls in one eth_call, for the auditors' check of every record against the
/// contracts' own views. Never deployed: the auditor places this runtime code at an unused address
/// with eth_call's state override, so the node runs the views in one execution instead of one JSON-RPC
/// call each. Each view runs with STATICCALL: nothing can change state.
contract ViewBatch {
    /// @param targets the contract of each call
    /// @param calls the call data of each call (selector and arguments)
    /// @return ok whether each call returned (false: it reverted)
    /// @return results each call's return data (its revert data when it reverted)
    function run(address[] calldata targets, bytes[] calldata calls)
        external
        view
        returns (bool[] memory ok, bytes[] memory results)
    {
        uint256 n = calls.length;
        require(targets.length == n, "ViewBatch: one target per call");
        ok = new bool[](n);
        results = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            (ok[i], results[i]) = targets[i].staticcall(calls[i]);
        }
    }
}
