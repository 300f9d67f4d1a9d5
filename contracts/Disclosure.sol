// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDisclosure} from "./interfaces/IDisclosure.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ILedgerPause} from "./interfaces/ILedgerPause.sol";
import {Identities} from "./libraries/Identities.sol";
import {Pausing} from "./libraries/Pausing.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title Disclosure
/// @notice See {IDisclosure}.
contract Disclosure is IDisclosure {
    using Identities for IParticipantRegistry;

    /// @dev China Standard Time (UTC+8), in which the calendar months of the disclosures begin.
    uint256 private constant _CST = 8 hours;

    IParticipantRegistry private immutable _participants;
    ILedgerPause private immutable _pause;

    uint256 private _disclosureCount;
    mapping(Kind kind => Requirement) private _requirements;

    constructor(IParticipantRegistry participants, ILedgerPause pause) {
        _participants = participants;
        _pause = pause;
    }

    /// @inheritdoc IDisclosure
    /// @dev Not paused: the governance keeps governing while contracts are paused.
    function setRequirement(Kind kind, uint8 months, uint16 graceDays) external {
        (address by,) = _participants.requireIdentity(msg.sender, Roles.AUTHORITY);
        bool lifted = months == 0 && graceDays == 0;
        bool period = months == 1 || months == 3 || months == 6 || months == 12;
        if (!lifted && !(period && graceDays != 0 && graceDays <= 366)) {
            revert DisclosureInvalidRequirement(months, graceDays);
        }
        _requirements[kind] = Requirement({months: months, graceDays: graceDays, since: uint40(block.timestamp)});
        emit DisclosureRequirementSet(kind, months, graceDays, uint40(block.timestamp), by);
    }

    /// @inheritdoc IDisclosure
    function fileDisclosure(Kind kind, uint40 periodStart, uint40 periodEnd, bytes32 documentHash)
        external
        returns (uint256 disclosureId)
    {
        Pausing.check(_pause, Pausing.DISCLOSURE);
        (address exchange,) = _participants.requireIdentity(msg.sender, Roles.EXCHANGE);
        (uint256 first, bool startAligned) = _month(periodStart);
        (uint256 last, bool endAligned) = _month(periodEnd);
        if (
            !startAligned || !endAligned || last <= first || last - first > 12 || periodStart > block.timestamp
                || (kind == Kind.TradeStatistics && periodEnd > block.timestamp)
        ) revert DisclosureInvalidPeriod(periodStart, periodEnd);
        if (documentHash == bytes32(0)) revert DisclosureZeroHash();
        disclosureId = ++_disclosureCount;
        emit DisclosureFiled(disclosureId, exchange, kind, periodStart, periodEnd, documentHash);
    }

    /// @inheritdoc IDisclosure
    function requirementOf(Kind kind) external view returns (Requirement memory) {
        return _requirements[kind];
    }

    /// @inheritdoc IDisclosure
    function disclosureCount() external view returns (uint256) {
        return _disclosureCount;
    }

    /// @dev The calendar month (China Standard Time) in which `t` falls, counted from January of year 0, and
    /// whether `t` is that month's first second. The civil date from the day count is Howard Hinnant's algorithm
    /// (`civil_from_days`), for days after 1970-01-01.
    function _month(uint40 t) private pure returns (uint256 month, bool first) {
        uint256 local = uint256(t) + _CST;
        uint256 z = local / 1 days + 719_468;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097;
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        uint256 day = doy - (153 * mp + 2) / 5 + 1;
        uint256 m = mp < 10 ? mp + 3 : mp - 9;
        uint256 y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        month = y * 12 + m - 1;
        first = day == 1 && local % 1 days == 0;
    }
}
