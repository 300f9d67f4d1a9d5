// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Disclosure: the exchanges' periodic information disclosure (信息披露, art. 25)
/// @notice Exchanges file disclosures (trade statistics, rule changes, incidents, fee schedules), each covering a
/// period of whole calendar months in China Standard Time, with the hash of the published document: the ledger
/// records that, and when, an exchange disclosed, never the document. The authority sets, for each kind, how often
/// an exchange must disclose it (every 1, 3, 6 or 12 months, calendar-aligned: quarters begin in January, April,
/// July and October) and how many days after a period it has; the index and the read API keep each exchange's
/// disclosure calendar from these events and flag the periods it missed.
interface IDisclosure {
    /// @notice What a disclosure reports: trade statistics (交易统计), a rule change (规则变更), an incident (重大事件)
    /// or the fee schedule (收费标准).
    enum Kind {
        TradeStatistics,
        RuleChange,
        Incident,
        FeeSchedule
    }

    /// @notice How often exchanges must disclose a kind.
    /// @param months length of a required period in calendar months (1, 3, 6 or 12; 0: not required)
    /// @param graceDays days after a period ends by which its disclosure is due
    /// @param since when the authority set it: the first required period is the first to begin at or after it
    struct Requirement {
        uint8 months;
        uint16 graceDays;
        uint40 since;
    }

    /// @notice Thrown for a period that does not begin and end at the start of a calendar month (China Standard
    /// Time), is empty or longer than twelve months, has not begun, or (for trade statistics) has not ended.
    error DisclosureInvalidPeriod(uint40 periodStart, uint40 periodEnd);
    /// @notice Thrown for a period length other than 0, 1, 3, 6 or 12 months, or a grace of 0 or more than 366 days
    /// for a required kind.
    error DisclosureInvalidRequirement(uint8 months, uint16 graceDays);
    /// @notice Thrown for a zero document hash.
    error DisclosureZeroHash();

    /// @notice The authority set how often exchanges must disclose `kind` (months 0: no longer required).
    event DisclosureRequirementSet(Kind indexed kind, uint8 months, uint16 graceDays, uint40 since, address by);
    /// @notice An exchange disclosed `kind` for the months [periodStart, periodEnd).
    event DisclosureFiled(
        uint256 indexed disclosureId,
        address indexed exchange,
        Kind indexed kind,
        uint40 periodStart,
        uint40 periodEnd,
        bytes32 documentHash
    );

    /// @notice Sets how often exchanges must disclose `kind`: every `months` calendar months, due `graceDays` after
    /// each period ends; `months` 0 (with `graceDays` 0) lifts the requirement. The authority.
    function setRequirement(Kind kind, uint8 months, uint16 graceDays) external;

    /// @notice Files a disclosure of `kind` covering the calendar months [periodStart, periodEnd) (China Standard
    /// Time), published as the document of hash `documentHash`. An exchange. A later disclosure of the same kind
    /// and period corrects an earlier one.
    function fileDisclosure(Kind kind, uint40 periodStart, uint40 periodEnd, bytes32 documentHash)
        external
        returns (uint256 disclosureId);

    function requirementOf(Kind kind) external view returns (Requirement memory);

    function disclosureCount() external view returns (uint256);
}
