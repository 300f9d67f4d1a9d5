// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// The audited components of the ledger's governance, unmodified, compiled by the project's toolchain (the pinned
// solc and the settings of contracts/compiler.json) so that `ledger deploy` deploys bytecode built here from the
// npm packages that package-lock.json pins, never bytecode fetched from elsewhere:
//
// * OpenZeppelin Contracts' AccessManager: the authority participant. Every authority power is a call from it,
//   made only through its schedule/execute, with the roles, execution delays and guardians it keeps.
// * Safe's smart account (SafeL2: every Safe transaction is also an event carrying its signatures), its proxy
//   factory and MultiSendCallOnly (run once, by delegatecall, when a Safe is set up): the officers' M-of-N accounts
//   that hold the manager's roles.
//
// This file declares nothing: it only brings those contracts into the build.
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {SafeL2} from "@safe-global/safe-smart-account/contracts/SafeL2.sol";
import {SafeProxyFactory} from "@safe-global/safe-smart-account/contracts/proxies/SafeProxyFactory.sol";
import {MultiSendCallOnly} from "@safe-global/safe-smart-account/contracts/libraries/MultiSendCallOnly.sol";
