import { VenuePaths } from '../shared/venue-paths.js';

/**
 * Every Loopring REST path under `/api/v3`, by method: the Loopring SDK 3.9.22's URL table
 * (`LOOPRING_URLs`, node_modules/@loopring-web/loopring-sdk/src/defs/url_defs.ts), each with the
 * method the SDK's wrapper sends it with (src/api/*.ts); the few the SDK passes as a default
 * argument or never calls are reads, listed as GET. A request no assetbook route takes gets
 * `notServed` when it is in here (the venue has it, assetbook does not serve it), else the
 * generic `unknown` (errors.ts). `/api/wallet/v3` (the wallet service, outside `/api/v3`) is left
 * out. test/venues/unserved-paths.test.ts checks this table against the SDK's.
 */
export const LOOPRING_VENUE_PATHS = new VenuePaths(
  '/api/v3',
  `
  GET    account
  POST   account
  GET    account/ecdsa         enctypted
  POST   account/ecdsa         enctypted
  GET    amm                   assets balance balances pools poolsStats rewards trades transactions
  POST   amm                   exit join
  GET    amm/user              rewards transactions
  GET    apiKey
  POST   apiKey
  GET    btrade                depth markets orders
  POST   btrade                order
  GET    candlestick
  GET    claim                 totalClaimInfo
  POST   claim                 claim
  POST   collection            deployTokenAddress
  GET    counterFactualInfo
  GET    datacenter            getCmcTokenRelations getDefiApys getLatestTokenPrices getNftBurnAddress getSupportTokens
  GET    datacenter            getTokenInfo getTokenOHLCVTrend getTokenQuoteTrend getUserAssets getUserTradeAmount
  GET    defi                  markets rewards tokens transactions
  POST   defi                  order
  GET    defi/stake            transactions
  GET    delegator             ipfs
  POST   delegator             getCode
  GET    depth
  GET    dual                  balance index infos lockRecordAmount prices rules transactions
  POST   dual                  order
  POST   dual/order            reinvest
  GET    eth                   allowances balances nonce recommendedGasPrice recommendedGasPriceRange tokenBalances
  GET    eth/tokenBalances     all
  GET    exchange              feeInfo info markets networkWithdrawalAgents notWithdrawContractTokens recommended tokens
  GET    exchange              withdrawalAgents
  GET    game                  rank
  GET    game/user             rank
  GET    getAvailableBroker
  GET    hmacAuthentication
  GET    luckyToken            agents authorizedSigners
  POST   luckyToken            claimBlindBox claimLuckyToken sendLuckyToken submitAddTarget
  GET    luckyToken/user       balances blindBoxDetail claimBlindBoxHistory claimHistory claimedLuckyTokens
  GET    luckyToken/user       luckyTokenDetail luckyTokenTargets luckyTokens nftBalances summary unclaimNftAndBlindCnt
  GET    luckyToken/user       withdraws
  POST   luckyToken/user       withdrawals
  GET    mix                   candlestick depth markets ticker
  GET    new/user/nft          trades
  DELETE nft                   collection
  GET    nft                   collection
  POST   nft                   collection deployTokenAddress mint trade transfer validateOrder withdrawal
  GET    nft/collection        legacy unknown
  POST   nft/collection        edit
  GET    nft/collection/legacy balance tokenAddress
  POST   nft/collection/legacy tokenAddress updateNftCollection
  POST   nft/image             refresh
  GET    nft/info              nfts
  GET    nft/public            collection
  GET    nft/public/collection items
  DELETE order
  GET    order
  POST   order
  DELETE orders                byClientOrderId byHash
  GET    orders
  GET    price
  GET    rabbitWithdraw        config
  POST   rabbitWithdraw
  POST   refer
  GET    sidecar               ProtocolPortrait activityRules commissionReward liquidityMining
  GET    sidecar               liquidityMiningUserHistory
  GET    spi                   getAccountServices
  GET    stake                 products
  POST   stake                 claim redeem stake
  GET    stake/user            summary transactions
  GET    storageId
  GET    taiko/farming         getAvailableNft getDepositDurationList getPositionInfo getTaikoFarmingTransactionByHash
  GET    taiko/farming         transactions
  POST   taiko/farming         sumbitClaim
  GET    taiko/farming/user    summary
  GET    ticker
  GET    timestamp
  GET    trade
  POST   transfer
  DELETE user                  contact
  GET    user                  balances bills contact createInfo deposits feeRates lockRecords lockSummary notification
  GET    user                  offchainFee orderAmount orderFee orderUserRateAmount trades transactions transfers
  GET    user                  updateInfo vipInfo withdrawals
  POST   user                  forceWithdrawals withdrawals
  GET    user/collection       details
  POST   user/contact          add update
  GET    user/crosschain       offchainFee
  GET    user/nft              balances deposits mints offchainFee trades transactions transfers withdrawals
  POST   user/nft              updateNftPreference
  GET    user/nft/collection   balances
  POST   user/notification     clearAll read readAll
  GET    user/refer            statistic
  GET    user/refer/profit     downsides self
  GET    vault                 account balances depth getAvailableNft getCollaterals getConfig getCredit
  GET    vault                 getMaxBorrowable getOperationByHash getOperations infos markets tokenPrice tokens
  POST   vault                 closeShort exit join loan order repay submitDustCollector submitLeverage transfer
`,
);
