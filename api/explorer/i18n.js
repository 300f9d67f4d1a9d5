// Labels in Chinese (default) and English. Enum values are labelled by the names the API returns
// (category_name, status_name, ...: lower case, hyphens), in the terms of the Guangxi regulation.

const STORAGE_KEY = "ledger-explorer-lang";
const LANGS = ["zh", "en"];
let current = "zh";
const listeners = [];

/** key -> [Chinese, English] */
const LABELS = {
  "app.title": ["数据产权登记与交易账本", "Data Property Ledger"],
  "app.subtitle": ["浏览器", "Explorer"],
  "nav.dashboard": ["总览", "Dashboard"],
  "nav.search": ["搜索", "Search"],
  "nav.assets": ["数据资产", "Assets"],
  "nav.trades": ["交易", "Trades"],
  "nav.licences": ["授权许可", "Licences"],
  "list.licences": ["授权许可", "Licences"],
  "nav.participants": ["市场主体", "Participants"],
  "nav.governance": ["治理", "Governance"],
  "nav.disclosures": ["信息披露", "Disclosures"],
  "gov.title": ["治理：主管部门的理事会", "Governance: the authority's council"],
  "gov.intro": [
    "大数据主管部门的职权由访问管理合约行使：理事会多签安排的变更须经过延迟期方可执行，期间守护人可取消；紧急处置（冻结、暂停）由应急官员即时执行，理事会可撤销。",
    "The authority's powers are exercised through its access manager: the council's multi-signature changes take effect only after the delay, during which the guardian may cancel them; emergency actions (freeze, suspend) take effect at once and the council may reverse them.",
  ],
  "gov.pending": ["待执行的变更", "Pending changes"],
  "gov.history": ["已执行与已取消", "Executed and cancelled"],
  "gov.safes": ["多签账户", "The officers' Safes"],
  "gov.roles": ["角色成员", "Role members"],
  "gov.transactions": ["最近的多签交易", "Latest Safe transactions"],
  "gov.function": ["调用", "Call"],
  "gov.readyAt": ["最早执行时间", "Earliest execution"],
  "gov.scheduled": ["安排于", "Scheduled"],
  "gov.closed": ["结束于", "Closed"],
  "gov.operation": ["操作编号", "Operation"],
  "gov.noOperations": ["暂无", "None"],
  "gov.safe": ["账户", "Safe"],
  "gov.threshold": ["签名门槛", "Threshold"],
  "gov.officers": ["官员", "Officers"],
  "gov.nonce": ["序号", "Nonce"],
  "gov.role": ["角色", "Role"],
  "gov.member": ["成员", "Member"],
  "gov.delay": ["执行延迟", "Execution delay"],
  "gov.since": ["自", "Since"],
  "gov.signers": ["签名官员", "Signed by"],
  "gov.role.admin": ["管理员", "admin"],
  "gov.role.council": ["理事会", "council"],
  "gov.role.guardian": ["守护人", "guardian"],
  "gov.role.emergency": ["应急处置", "emergency"],
  "gov.safe.CouncilSafe": ["理事会", "Council"],
  "gov.safe.GuardianSafe": ["守护人", "Guardian"],
  "gov.safe.EmergencySafe": ["应急官员", "Emergency officers"],
  "gov.status.pending": ["延迟期中", "pending"],
  "gov.status.ready": ["可执行", "ready"],
  "gov.status.executed": ["已执行", "executed"],
  "gov.status.cancelled": ["已取消", "cancelled"],
  "gov.status.expired": ["已过期", "expired"],
  "gov.pauses": ["合约暂停", "Contract pauses"],
  "gov.pauseHistory": ["暂停与恢复记录", "Pauses and unpauses"],
  "gov.contract": ["合约", "Contract"],
  "gov.state": ["状态", "State"],
  "gov.paused": ["已暂停", "paused"],
  "gov.running": ["运行中", "running"],
  "gov.unpaused": ["已恢复", "unpaused"],
  "gov.change": ["变更", "Change"],
  "gov.changedBy": ["执行方", "By"],
  "gov.reason": ["理由哈希", "Reason hash"],
  "gov.lastChange": ["最近变更", "Last change"],
  "gov.noPauses": ["从未暂停任何合约", "No contract was ever paused"],
  "pause.banner": ["以下合约已暂停，参与方的相关操作将被拒绝：", "Paused: participants' changes to these contracts are refused:"],
  "pause.details": ["查看详情", "details"],
  "contract.ParticipantRegistry": ["参与方登记", "participant registry"],
  "contract.AssetRegistry": ["数据资产登记", "asset registry"],
  "contract.AssetControls": ["资产管控（异议、冻结）", "asset controls (objections, freezes)"],
  "contract.SettlementToken": ["结算代币", "settlement token"],
  "contract.TradeSettlement": ["交易结算", "trade settlement"],
  "contract.MandateRegistry": ["委托授权", "mandates"],
  "contract.Supervision": ["监管", "supervision"],
  "contract.Recognition": ["跨省互认", "recognition"],
  "contract.Valuation": ["评估与入表", "valuation"],
  "contract.Disclosure": ["信息披露", "disclosure"],
  "contract.DataQuality": ["数据质量", "data quality"],
  "list.assets": ["数据资产", "Data assets"],
  "list.trades": ["交易记录", "Trades"],
  "list.participants": ["市场主体", "Participants"],
  "list.more": ["加载更多", "Load more"],
  "list.shown": ["已显示 {n} 条", "{n} shown"],
  "filter.any": ["全部", "any"],
  "lang.switch": ["English", "中文"],
  "search.placeholder": ["资产名称、证书编号、主体地址或交易哈希", "Asset name, certificate no., account or tx hash"],
  "search.button": ["搜索", "Search"],
  "search.title": ["搜索", "Search"],
  "search.results": ["搜索结果", "Results"],
  "search.none": ["没有找到匹配的记录", "Nothing matches"],
  "search.hint": ["输入资产名称、证书编号、主体地址或交易哈希。", "Type an asset name, a certificate number, an account or a transaction hash."],
  "search.assets": ["数据资产", "Assets"],
  "search.participants": ["市场主体", "Participants"],
  "search.transactions": ["交易哈希", "Transactions"],
  "footer.block": ["数据截至区块", "Data as of block"],
  "footer.hash": ["区块哈希", "block hash"],
  "footer.time": ["出块时间", "time"],
  "footer.none": ["尚无区块数据", "no block yet"],
  "common.loading": ["加载中…", "Loading…"],
  "common.none": ["无", "None"],
  "common.yes": ["是", "Yes"],
  "common.no": ["否", "No"],
  "common.notFound": ["未找到该记录", "No such record"],
  "common.error": ["加载失败", "Could not load"],
  "common.notIndexed": ["索引器尚未写入任何区块；数据到达后本页会自动显示。", "The indexer has not stored any block yet; this page appears once it has."],
  "common.more": ["仅显示前 {n} 条", "showing the first {n}"],
  "common.all": ["查看全部", "see all"],
  "dash.title": ["账本总览", "Ledger overview"],
  "dash.counts": ["记录统计", "Records"],
  "dash.volumeByDay": ["每日交易额", "Trade volume per day"],
  "dash.volumeByCategory": ["按数据类别的交易额", "Trade volume by data category"],
  "dash.volumeByExchange": ["按交易场所的交易额", "Trade volume by exchange"],
  "dash.recentTrades": ["最近交易", "Recent trades"],
  "dash.noTrades": ["尚无交易", "No trades yet"],
  "count.participants": ["市场主体", "Participants"],
  "count.assets": ["数据资产", "Assets"],
  "count.licences": ["授权许可", "Licences"],
  "count.trades": ["交易笔数", "Trades"],
  "count.objections": ["异议", "Objections"],
  "count.freezes": ["冻结", "Freezes"],
  "count.orders": ["整改令", "Rectification orders"],
  "count.mandates": ["挂牌委托", "Mandates"],
  "count.refusals": ["批量结算拒绝", "Refused in batches"],
  "count.volume": ["交易总额", "Trade volume"],
  "count.indexed": ["已索引区块", "Indexed block"],
  "count.lag": ["索引延迟（区块）", "Indexer lag (blocks)"],
  "count.chain": ["链 ID", "Chain ID"],
  "chart.trades": ["笔", "trades"],
  "col.time": ["时间", "Time"],
  "col.block": ["区块", "Block"],
  "col.asset": ["资产", "Asset"],
  "col.seller": ["卖方", "Seller"],
  "col.buyer": ["买方", "Buyer"],
  "col.price": ["价格", "Price"],
  "col.fee": ["交易服务费", "Exchange fee"],
  "col.venue": ["交易方式", "Venue"],
  "col.right": ["权利", "Right"],
  "col.licence": ["许可", "Licence"],
  "col.tx": ["交易哈希", "Tx"],
  "col.event": ["事件", "Event"],
  "col.actor": ["操作方", "Actor"],
  "col.name": ["名称", "Name"],
  "col.status": ["状态", "Status"],
  "col.category": ["类别", "Category"],
  "col.holder": ["持有人", "Holder"],
  "col.amount": ["金额", "Amount"],
  "col.code": ["代码", "Code"],
  "col.delta": ["分值变化", "Change"],
  "col.score": ["信用分", "Score"],
  "col.document": ["文件哈希", "Document hash"],
  "col.objector": ["异议人", "Objector"],
  "col.by": ["操作方", "By"],
  "col.action": ["操作", "Action"],
  "col.target": ["对象", "Target"],
  "col.issuedBy": ["签发方", "Issued by"],
  "col.kind": ["类型", "Kind"],
  "col.trades": ["交易笔数", "Trades"],
  "col.rights": ["所持权利", "Rights held"],
  "col.id": ["编号", "ID"],
  "col.payments": ["笔数", "Payments"],
  "venue.on": ["场内", "On exchange"],
  "venue.off": ["场外", "Off exchange"],
  "col.consent": ["卖方授权", "Seller's consent"],
  "consent.signed": ["场内 · 卖方签名", "on exchange · signed"],
  "consent.mandate": ["场内 · 挂牌委托", "on exchange · mandate"],
  "consent.off_exchange": ["场外 · 双方签名", "off exchange · both signed"],
  "col.refusal": ["拒绝原因", "Refused because"],
  "col.item": ["批内序号", "Item"],
  "col.exchange": ["交易场所", "Exchange"],
  "col.operator": ["授权运营方", "Operator"],
  "col.purpose": ["用途", "Purpose"],
  "col.latestEnd": ["最迟到期", "Ends by"],
  "col.minNet": ["卖方最低净得", "Seller nets at least"],
  "col.maxDuration": ["最长许可期", "Longest licence"],
  "col.expiry": ["委托到期", "Expires"],
  "col.accepted": ["受理", "Accepted"],
  "col.held": ["暂存分成", "Held shares"],
  "list.refusals": ["批量结算中被拒绝的交易", "Trades refused in batches"],
  "list.mandates": ["挂牌委托", "Standing mandates"],
  "nav.mandates": ["挂牌委托", "Mandates"],
  "days": ["{n} 天", "{n} days"],
  "asset.title": ["数据资产", "Data asset"],
  "asset.certificate": ["登记证书编号", "Certificate no."],
  "asset.category": ["数据类别", "Category"],
  "asset.grade": ["安全分级", "Security grade"],
  "asset.kind": ["产品形态", "Kind"],
  "asset.region": ["登记地区", "Region"],
  "asset.status": ["登记状态", "Status"],
  "asset.contentHash": ["内容哈希", "Content hash"],
  "asset.registered": ["登记时间", "Registered"],
  "asset.applicant": ["申请人", "Applicant"],
  "asset.registrar": ["登记机构", "Registrar"],
  "asset.flags": ["标记", "Flags"],
  "asset.disputed": ["存在异议", "disputed"],
  "asset.frozen": ["已冻结", "frozen"],
  "asset.anonymised": ["已匿名化", "anonymised"],
  "asset.suspended": ["互认已暂停", "recognition suspended"],
  "asset.licensedUntil": ["存续许可至", "Licensed until"],
  "asset.operations": ["公共数据授权运营", "Authorised operation of public data"],
  "asset.mandates": ["挂牌委托", "Standing mandates"],
  "asset.holders": ["三权持有人", "Holders of the three rights"],
  "asset.timeline": ["权利时间线", "Rights timeline"],
  "asset.licences": ["授权许可树", "Licence tree"],
  "asset.noLicences": ["尚无授权许可", "No licences"],
  "asset.trades": ["交易记录", "Trades"],
  "asset.objections": ["异议", "Objections"],
  "asset.freezes": ["冻结与解冻", "Freezes"],
  "asset.orders": ["整改令", "Rectification orders"],
  "asset.valuations": ["资产评估", "Valuation reports"],
  "participant.recognised": ["已入表数据资产", "Data assets in its accounts"],
  "participant.carryingTotal": ["账面价值合计", "Carrying amounts in total"],
  "participant.reports": ["出具的评估报告", "Valuation reports it filed"],
  "asset.accounting": ["会计入表", "Accounting recognition"],
  "accounting.none": ["尚未入表", "Not recognised in anyone's accounts"],
  "accounting.holder": ["入表主体", "Recognised by"],
  "accounting.category": ["会计科目", "Category"],
  "accounting.amount": ["账面价值", "Carrying amount"],
  "accounting.valuation": ["依据评估报告", "On valuation report"],
  "accounting.period": ["报告期", "Reporting period"],
  "accounting.stale": ["持有权已转让：待新持有者承继或原持有者终止确认", "The holding right has moved: to be carried over or derecognised"],
  "accounting.history": ["计量与变动", "Measurements and changes"],
  "valuation.usable": ["可用于入表", "usable"],
  "col.appraiser": ["评估机构", "Appraiser"],
  "col.method": ["评估方法", "Method"],
  "col.value": ["评估价值", "Value"],
  "col.baseDate": ["评估基准日", "Base date"],
  "col.validUntil": ["有效期至", "Valid until"],
  "asset.quality": ["质量报告", "Quality reports"],
  "quality.none": ["尚无质量报告", "No quality reports"],
  "quality.count": ["共 {n} 份质量报告", "{n} quality reports"],
  "quality.overdueCount": ["{n} 份逾期未答复", "{n} unanswered past the deadline"],
  "quality.problem": ["问题类型", "Problem"],
  "quality.severity": ["严重程度", "Severity"],
  "quality.reporter": ["报告人", "Reporter"],
  "quality.filed": ["报告时间", "Filed"],
  "quality.deadline": ["答复期限", "Deadline"],
  "quality.answer": ["持有人答复", "Holder's answer"],
  "quality.outcome": ["修正与裁决", "Fix and ruling"],
  "quality.evidence": ["证据哈希", "Evidence hash"],
  "quality.pastDeadline": ["逾期未答复", "past deadline"],
  "quality.fixedBy": ["已由修正数据集登记", "fixed by"],
  "quality.ruledBy": ["裁决方", "ruled by"],
  "quality.withdrawnBecause": ["撤回理由", "withdrawn, reason"],
  "quality.traceNote": ["该内容的登记、变更、许可、交易与质量报告：", "This content's registration, changes, licences, trades and quality reports:"],
  "quality.traceLink": ["内容追溯", "trace the content"],
  "quality.defaults": ["质量违约 {n} 次", "{n} quality defaults"],
  "quality.defaultsNote": [
    "作为数据资源持有权人，逾期未答复针对其数据的质量报告（每次计入信用记录）。",
    "As holder of the holding right, it left quality reports on its data unanswered past their deadline (a credit event each).",
  ],
  "participant.qualityDefaults": ["数据质量违约", "Quality defaults"],
  "trace.title": ["内容追溯", "Content trace"],
  "trace.asset": ["承载该内容的数据资产", "The asset carrying it"],
  "trace.holder": ["数据资源持有权人（质量责任方）", "Holding right holder (answers for the data)"],
  "trace.versions": ["登记与变更登记", "Registration and changes"],
  "trace.metadata": ["元数据哈希", "Metadata hash"],
  "trace.licences": ["交付该内容的授权许可", "Licences that delivered it"],
  "trace.licensor": ["许可方", "Licensor"],
  "trace.licensee": ["被许可方", "Licensee"],
  "trace.parent": ["上级许可", "Parent licence"],
  "trace.revoked": ["已撤销", "revoked"],
  "trace.inForce": ["未撤销", "not revoked"],
  "trace.trades": ["交易", "Trades"],
  "trace.tradeKey": ["交易键", "Trade key"],
  "asset.history": ["完整历史", "Full history"],
  "asset.since": ["自", "since"],
  "timeline.block": ["区块", "block"],
  "asset.shares": ["收益分配", "Revenue shares"],
  "asset.asOfLink": ["查看该区块时的状态", "show the state as of this block"],
  "asOf.title": ["历史视图：区块 #{block} 时的状态", "Historical view: the state as of block #{block}"],
  "asOf.latest": ["查看最新状态", "show the current state"],
  "licence.to": ["被许可方", "licensee"],
  "licence.from": ["许可方", "licensor"],
  "licence.purpose": ["用途", "purpose"],
  "licence.term": ["期限", "term"],
  "licence.revoked": ["已撤销", "revoked"],
  "licence.valid": ["有效", "valid"],
  "licence.validNow": ["当前有效", "valid now"],
  "licence.topLevel": ["仅一级许可", "top-level only"],
  "licence.fromCol": ["许可方", "Licensor"],
  "licence.toCol": ["被许可方", "Licensee"],
  "licence.purposeCol": ["用途", "Purpose"],
  "licence.termCol": ["期限", "Term"],
  "licence.parentCol": ["上级许可", "Parent licence"],
  "licence.notYet": ["未生效", "not yet valid"],
  "licence.expired": ["已到期", "expired"],
  "licence.exclusive": ["独占", "exclusive"],
  "licence.sublicensable": ["可转授权", "sublicensable"],
  "licence.crossBorder": ["跨境", "cross-border"],
  "licence.sold": ["交易取得", "sold"],
  "licence.soldNote": ["经结算交付，许可方不得撤销", "delivered by a settlement: its licensor cannot revoke it"],
  "licence.soldUnder": ["其下分许可已售", "sublicence sold"],
  "licence.soldUnderNote": [
    "其下已售出的分许可有效至 {until}，此前被许可方与许可方均不得终止本许可，仅主管部门可撤销",
    "a sublicence sold under it lasts until {until}: until then neither its licensee nor its licensor can end it, only the authority",
  ],
  "licence.depth": ["层级", "depth"],
  "licence.invalid": ["无效", "not valid"],
  "licence.ancestorRevoked": ["上级许可 #{id} 已撤销", "licence #{id} above it revoked"],
  "freeze.frozen": ["冻结", "frozen"],
  "freeze.unfrozen": ["解冻", "unfrozen"],
  "recog.title": ["跨省互认", "Cross-province recognition"],
  "recog.badge": ["互认登记", "recognised"],
  "recog.agreements": ["互认协议（有效）", "Agreements (active)"],
  "recog.records": ["互认登记（有效）", "Recognised (active)"],
  "recog.suspended": ["互认登记（已暂停）", "Recognised (suspended)"],
  "recog.lastReport": ["最近核验报告", "Latest cross-check"],
  "recog.origin": ["来源省份", "Origin"],
  "recog.chain": ["链", "chain"],
  "recog.originRegistry": ["来源登记合约", "Origin registry"],
  "recog.originAsset": ["来源资产编号", "Origin asset"],
  "recog.certificate": ["来源证书编号", "Origin certificate"],
  "recog.status": ["互认状态", "Status"],
  "recog.signers": ["签名登记机构", "Signed by"],
  "recog.imported": ["导入", "Imported"],
  "recog.linked": ["关联本地登记", "Linked to a local registration"],
  "recog.issuedBlock": ["证书所述来源区块", "States the origin at block"],
  "recog.expires": ["证书有效期至", "Certificate valid until"],
  "recog.superseded": ["已由新证书更新", "Superseded by a newer certificate"],
  "recog.lastCheck": ["最近一次核验", "Last verification"],
  "recog.neverChecked": ["尚未核验", "Not checked yet"],
  "recog.verdict": ["核验结论", "Verdict"],
  "recog.checkedAt": ["核验时间", "Checked at"],
  "recog.againstBlock": ["核验所依据的来源区块", "Against origin block"],
  "recog.pinned": ["哈希已固定", "hash pinned"],
  "recog.notPinned": ["哈希未固定", "hash not pinned"],
  "recog.report": ["核验报告", "Report"],
  "recog.reasons": ["差异", "Differences"],
  "participant.title": ["市场主体", "Participant"],
  "participant.account": ["账户地址", "Account"],
  "participant.roles": ["角色", "Roles"],
  "participant.region": ["所在地区", "Region"],
  "participant.id": ["主体编号", "Participant id"],
  "participant.creditCode": ["统一社会信用代码（哈希）", "Credit code (hash)"],
  "participant.signingKey": ["当前签名密钥", "Signing key"],
  "participant.status": ["状态", "Status"],
  "participant.admitted": ["准入时间", "Admitted"],
  "participant.score": ["信用分", "Credit score"],
  "participant.declarations": ["声明和承诺", "Declarations and commitments"],
  "participant.credit": ["信用记录", "Credit events"],
  "participant.assets": ["持有的数据资产", "Assets held"],
  "participant.revenue": ["收益", "Revenue received"],
  "participant.licences": ["持有的授权许可", "Licences held"],
  "participant.revenueTotal": ["收益合计", "Total received"],
  "participant.balance": ["结算币余额", "Token balance"],
  "participant.trades": ["交易记录", "Trades"],
  "participant.orders": ["整改令", "Rectification orders"],
  "participant.held": ["暂存的收益分成", "Revenue shares held"],
  "participant.heldNote": ["主体未处于正常状态时结算的分成，恢复后可领取", "settled while it was not active; claimable once it is"],
  "participant.released": ["已由主管部门处置的暂存分成", "Held shares released by the authority"],
  "participant.releasedNote": ["主体被撤销后，暂存分成依决定支付给", "revoked: its held shares were paid, by decision, to"],
  "participant.disclosures": ["信息披露", "Information disclosure"],
  "disclosure.title": ["信息披露", "Information disclosure"],
  "disclosure.intro": [
    "数据交易场所按主管部门规定的频次定期披露交易统计、规则变更、重大事件和收费标准：每期为完整的自然月（北京时间），应在期末后的宽限期内披露；逾期未披露的期间予以标示。",
    "Exchanges disclose their trade statistics, rule changes, incidents and fee schedules as often as the authority requires: each period is whole calendar months (China Standard Time), due within the days of grace after it ends; periods due and not disclosed are flagged.",
  ],
  "disclosure.requirements": ["披露要求", "Requirements"],
  "disclosure.calendars": ["各交易场所的披露情况", "The exchanges' calendars"],
  "disclosure.list": ["披露记录", "Disclosures"],
  "disclosure.kind": ["披露类型", "Kind"],
  "disclosure.frequency": ["披露频次", "How often"],
  "disclosure.grace": ["宽限期", "Days of grace"],
  "disclosure.since": ["生效时间", "Since"],
  "disclosure.setBy": ["设定方", "Set by"],
  "disclosure.notRequired": ["不要求", "not required"],
  "disclosure.months.1": ["每月", "monthly"],
  "disclosure.months.3": ["每季度", "quarterly"],
  "disclosure.months.6": ["每半年", "half-yearly"],
  "disclosure.months.12": ["每年", "yearly"],
  "disclosure.period": ["披露期间", "Period"],
  "disclosure.filed": ["披露时间", "Filed"],
  "disclosure.corrects": ["更正 #{id}", "corrects #{id}"],
  "disclosure.due": ["截止时间", "Due"],
  "disclosure.metBy": ["对应披露", "Met by"],
  "disclosure.missedFlag": ["{n} 期逾期未披露", "{n} missed"],
  "disclosure.none": ["尚无披露", "No disclosures"],
  "disclosure.noPeriods": ["尚无已结束的应披露期间", "No required period has ended yet"],
  "disclosure.noExchanges": ["尚无数据交易场所", "No exchange"],
};

/** Enum labels by the API's enum names: type -> name -> [Chinese, English]. */
const ENUMS = {
  category: { public: ["公共数据", "public"], enterprise: ["企业数据", "enterprise"], personal: ["个人信息数据", "personal information"] },
  grade: { general: ["一般数据", "general"], important: ["重要数据", "important"], core: ["核心数据", "core"] },
  kind: {
    dataset: ["数据集", "dataset"], model: ["数据模型", "model"], service: ["数据服务", "service"],
    "verification-product": ["核验产品", "verification product"],
  },
  right: {
    holding: ["数据资源持有权", "resource holding right"],
    processing: ["数据加工使用权", "processing/usage right"],
    operation: ["数据产品经营权", "product operation right"],
  },
  asset_status: {
    none: ["无", "none"], pending: ["待审核", "pending"], registered: ["已登记", "registered"],
    rejected: ["已驳回", "rejected"], cancelled: ["已注销", "cancelled"],
  },
  participant_status: {
    none: ["无", "none"], active: ["正常", "active"], suspended: ["暂停", "suspended"], revoked: ["撤销", "revoked"],
  },
  role: {
    authority: ["大数据主管部门", "authority"], registrar: ["登记机构", "registrar"],
    exchange: ["数据交易场所", "exchange"], "settlement-bank": ["结算银行", "settlement bank"],
    "data-merchant": ["数据商", "data merchant"], "service-provider": ["第三方专业服务机构", "service provider"],
    "data-holder": ["数据持有者", "data holder"], supervisor: ["监管部门", "supervisor"],
  },
  delivery: { right: ["产权转让", "right transfer"], license: ["授权许可", "licence"], licence: ["授权许可", "licence"] },
  objection_status: {
    none: ["无", "none"], open: ["异议审查中", "open"], upheld: ["异议成立", "upheld"], dismissed: ["异议驳回", "dismissed"],
    pending: ["异议待受理", "pending"],
  },
  mandate_status: { "in-force": ["有效", "in force"], revoked: ["已撤回", "revoked"], expired: ["已到期", "expired"] },
  operation_status: { authorised: ["已批准（未使用）", "approved (unused)"], used: ["已授权", "used"], withdrawn: ["已撤回", "withdrawn"] },
  order_status: { none: ["无", "none"], open: ["整改中", "open"], closed: ["已整改", "closed"] },
  order_target: { participant: ["主体", "participant"], asset: ["数据资产", "asset"] },
  valuation_method: { cost: ["成本法", "cost"], income: ["收益法", "income"], market: ["市场法", "market"], combined: ["综合法", "combined"] },
  valuation_status: { filed: ["已备案", "filed"], withdrawn: ["已撤回", "withdrawn"], rejected: ["已驳回", "rejected"] },
  accounting_category: {
    "intangible-asset": ["无形资产", "intangible asset"], inventory: ["存货", "inventory"],
    "development-cost": ["开发支出", "development cost"],
  },
  recognition_kind: {
    recognised: ["入表", "recognised"], remeasured: ["后续计量", "remeasured"], "carried-over": ["承继", "carried over"],
    derecognised: ["终止确认", "derecognised"],
  },
  measurement: { impairment: ["减值", "impairment"], amortisation: ["摊销", "amortisation"] },
  disclosure_kind: {
    "trade-statistics": ["交易统计", "trade statistics"], "rule-change": ["规则变更", "rule change"],
    incident: ["重大事件", "incident"], "fee-schedule": ["收费标准", "fee schedule"],
  },
  disclosure_status: {
    "on-time": ["按期披露", "on time"], late: ["逾期披露", "late"], missed: ["逾期未披露", "missed"], open: ["未到期", "open"],
  },
  quality_problem: {
    accuracy: ["准确性", "accuracy"], completeness: ["完整性", "completeness"], timeliness: ["时效性", "timeliness"],
    consistency: ["一致性", "consistency"], compliance: ["合规性", "compliance"],
  },
  quality_severity: { low: ["轻微", "low"], medium: ["一般", "medium"], high: ["严重", "high"], critical: ["特别严重", "critical"] },
  quality_status: {
    filed: ["待答复", "filed"], acknowledged: ["已确认", "acknowledged"], disputed: ["有异议", "disputed"],
    overdue: ["逾期未答复", "overdue"], fixed: ["已修正", "fixed"], upheld: ["裁决成立", "upheld"],
    dismissed: ["裁决驳回", "dismissed"], withdrawn: ["已撤回", "withdrawn"],
  },
  trace_version: { application: ["登记申请", "application"], registration: ["产权登记", "registration"], change: ["变更登记", "change registration"] },
  recognition_status: { active: ["有效", "active"], suspended: ["已暂停", "suspended"], cancelled: ["已注销", "cancelled"] },
  verdict: {
    match: ["一致", "match"], stale: ["来源已变更", "stale"], conflict: ["冲突", "conflict"],
    missing: ["来源缺失", "missing"], "not-recognised": ["未互认", "not recognised"],
  },
  payment: {
    seller: ["卖方收入", "seller"], fee: ["交易服务费", "exchange fee"], share: ["收益分成", "revenue share"],
    revenue_share: ["收益分成", "revenue share"], "revenue-share": ["收益分成", "revenue share"],
  },
};

/** Enum codes (the contracts' uint8 values) -> API names, for records that carry only the code. */
const CODES = {
  category: ["public", "enterprise", "personal"],
  grade: ["general", "important", "core"],
  kind: ["dataset", "model", "service", "verification-product"],
  right: ["holding", "processing", "operation"],
  asset_status: ["none", "pending", "registered", "rejected", "cancelled"],
  participant_status: ["none", "active", "suspended", "revoked"],
  objection_status: ["none", "open", "upheld", "dismissed", "pending"],
  order_status: ["none", "open", "closed"],
  order_target: ["participant", "asset"],
  delivery: ["right", "licence"],
  disclosure_kind: ["trade-statistics", "rule-change", "incident", "fee-schedule"],  quality_problem: ["accuracy", "completeness", "timeliness", "consistency", "compliance"],
  quality_severity: ["low", "medium", "high", "critical"],
  quality_status: ["none", "filed", "acknowledged", "disputed", "overdue", "fixed", "upheld", "dismissed", "withdrawn"],
};

/** The API name of an enum value given by name or by code. */
export function enumName(type, value) {
  if (typeof value === "number" || /^\d+$/.test(String(value))) {
    const names = CODES[type] || [];
    return names[Number(value)] ?? String(value);
  }
  return String(value).replace(/_/g, "-");
}

/** [code, name] of every value of an enum (role: its names, no codes). */
export function enumCodes(type) {
  if (type === "role") return Object.keys(ENUMS.role).map((name, i) => [1 << i, name]);
  return (CODES[type] || []).map((name, code) => [code, name]);
}

/** Region codes (GB/T 2260) of Guangxi that the demo and tests use; others show their code. */
const REGIONS = {
  450000: ["广西壮族自治区", "Guangxi"],
  450100: ["南宁市", "Nanning"],
  450200: ["柳州市", "Liuzhou"],
  450300: ["桂林市", "Guilin"],
  450400: ["梧州市", "Wuzhou"],
  450500: ["北海市", "Beihai"],
  450600: ["防城港市", "Fangchenggang"],
  450700: ["钦州市", "Qinzhou"],
};

const EVENTS = {
  RegistrationApplied: ["登记申请", "registration applied"],
  AssetRegistered: ["产权登记", "registered"],
  RegistrationRejected: ["登记驳回", "registration rejected"],
  RegistrationChanged: ["变更登记", "registration changed"],
  RegistrationCancelled: ["注销登记", "registration cancelled"],
  RightTransferred: ["权利转让", "right transferred"],
  ObjectionLodged: ["提出异议", "objection lodged"],
  ObjectionAccepted: ["异议受理", "objection accepted"],
  ObjectionResolved: ["异议处理", "objection resolved"],
  PublicOperationAuthorised: ["批准授权运营", "authorised operation approved"],
  PublicOperationUsed: ["授权运营许可", "authorised operation used"],
  MandateGranted: ["挂牌委托", "mandate granted"],
  MandateRevoked: ["撤回委托", "mandate revoked"],
  TradeRefused: ["结算拒绝", "trade refused"],
  HeldSharesClaimed: ["领取暂存分成", "held shares claimed"],
  HeldSharesReleased: ["处置暂存分成", "held shares released"],
  CertificateImported: ["导入互认证书", "certificate imported"],
  RecognitionSuspended: ["暂停互认", "recognition suspended"],
  RecognitionReinstated: ["恢复互认", "recognition reinstated"],
  AssetFrozen: ["冻结", "frozen"],
  AssetUnfrozen: ["解冻", "unfrozen"],
  AnonymisationAttested: ["匿名化证明", "anonymisation attested"],
  LicenseGranted: ["授权许可", "licence granted"],
  LicenseRevoked: ["撤销许可", "licence revoked"],
  LicenseTransferred: ["许可转让", "licence transferred"],
  TradeSettled: ["交易结算", "trade settled"],
  RevenueSharePaid: ["收益分成支付", "revenue share paid"],
  RevenueSharesSet: ["设定收益分配", "revenue shares set"],
  RectificationOrdered: ["责令整改", "rectification ordered"],
  RectificationClosed: ["整改完成", "rectification closed"],
  ValuationFiled: ["评估报告备案", "valuation filed"],
  ValuationWithdrawn: ["撤回评估报告", "valuation withdrawn"],
  ValuationRejected: ["驳回评估报告", "valuation rejected"],
  AssetRecognised: ["会计入表", "recognised in accounts"],
  RecognitionRemeasured: ["后续计量", "remeasured"],
  RecognitionCarriedOver: ["入表承继", "recognition carried over"],
  AssetDerecognised: ["终止确认", "derecognised"],
  AppraiserAccredited: ["评估机构备案", "appraiser accredited"],
  AppraiserRevoked: ["撤销评估机构备案", "appraiser revoked"],
  ResponseWindowSet: ["设定质量答复期限", "quality response window set"],
  QualityReportFiled: ["提交质量报告", "quality report filed"],
  QualityReportAnswered: ["答复质量报告", "quality report answered"],
  QualityReportOverdue: ["质量报告逾期未答复", "quality report overdue"],
  QualityReportFixed: ["质量问题已修正", "quality report fixed"],
  QualityReportRuled: ["质量报告裁决", "quality report ruled"],
  QualityReportWithdrawn: ["撤回质量报告", "quality report withdrawn"],
};

function pick(pair) {
  return pair[current === "zh" ? 0 : 1];
}

/** The label of key in the current language, {name} placeholders filled from vars. */
export function t(key, vars) {
  const pair = LABELS[key];
  let text = pair ? pick(pair) : key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replace(`{${k}}`, String(v));
  return text;
}

/** The label of an enum value by its API name (e.g. enumLabel("category", "public")). */
export function enumLabel(type, name) {
  if (name === null || name === undefined) return "–";
  const key = enumName(type, name);
  const pair = (ENUMS[type] || {})[key];
  return pair ? pick(pair) : key.replace(/[-_]/g, " ");
}

/** "南宁市 450100" / "Nanning 450100"; the bare code when unknown. */
export function regionLabel(code) {
  if (code === null || code === undefined) return "–";
  const pair = REGIONS[code];
  return pair ? `${pick(pair)} ${code}` : String(code);
}

/** An event name in words (the contract's name when unknown). */
export function eventLabel(name) {
  const pair = EVENTS[name];
  return pair ? pick(pair) : name;
}

export function lang() {
  return current;
}

/** Sets the language, remembers it and tells the listeners (the app re-renders). */
export function setLang(value) {
  if (!LANGS.includes(value) || value === current) return;
  current = value;
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // storage may be disabled; the choice then lasts for this page only
  }
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
  for (const fn of listeners) fn(value);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

/** Reads the remembered language (default Chinese). */
export function initLang() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  current = LANGS.includes(saved) ? saved : "zh";
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
}
