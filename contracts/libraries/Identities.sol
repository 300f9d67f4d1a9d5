// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";

/// @title Participants' identities, for the views and records that take any address
/// @notice The ledger records a participant under its identity (the account it was admitted with), whatever key it
/// signs with. A view or a record that takes an address reads it through {named}.
library Identities {
    /// @return the identity `account` names (itself, or the identity whose key it is or was), or `account` itself
    /// when it names no participant (the settlement contract holding shares, an address never admitted)
    function named(IParticipantRegistry participants, address account) internal view returns (address) {
        address identity = participants.identityOf(account);
        return identity == address(0) ? account : identity;
    }
}
