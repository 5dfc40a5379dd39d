import { VenuePaths } from '../shared/venue-paths.js';

/**
 * Every Bitget REST path under `/api/v2`, by method: ccxt 4.5.84's `bitget` API definition
 * (`api` in node_modules/ccxt/js/src/bitget.js, every `v2/...` entry of every section).
 * A request no assetbook route takes gets `notServed` when it is in here (the venue has it,
 * assetbook does not serve it), else the venue's `40404` (errors.ts). The v1 paths (retired by the
 * venue) and the v3 unified-account paths (under `/api/v3`, which is Loopring's here) are left
 * out. test/venues/unserved-paths.test.ts checks this table against ccxt's.
 */
export const BITGET_VENUE_PATHS = new VenuePaths(
  '/api/v2',
  `
  GET    account                 all-account-balance bot-assets funding-assets
  GET    broker                  agent-commission customer-commissions customer-kyc-result order-commission rebate-info
  GET    broker                  sub-customer-list total-commission
  POST   broker                  customer-asset customer-deposit customer-list customer-trade-volume
  GET    broker/account          info subaccount-email subaccount-future-assets subaccount-list subaccount-spot-assets
  POST   broker/account          create-subaccount modify-subaccount modify-subaccount-email set-subaccount-autotransfer
  POST   broker/account          subaccount-address subaccount-withdrawal
  GET    broker/manage           subaccount-apikey-list
  POST   broker/manage           create-subaccount-apikey modify-subaccount-apikey
  GET    common                  trade-rate
  GET    convert                 bgb-convert-coin-list bgb-convert-records convert-record currencies quoted-price
  POST   convert                 bgb-convert trade
  GET    copy/mix-broker         query-current-traces query-history-traces query-traders
  GET    copy/mix-follower       query-current-orders query-history-orders query-quantity-limit query-settings
  GET    copy/mix-follower       query-traders
  POST   copy/mix-follower       cancel-trader close-positions setting-tpsl settings
  GET    copy/mix-trader         config-query-followers config-query-symbols order-current-track order-history-track
  GET    copy/mix-trader         order-total-detail profit-details profit-history-details profit-history-summarys
  GET    copy/mix-trader         profits-group-coin-date
  POST   copy/mix-trader         config-remove-follower config-setting-base config-setting-symbols order-close-positions
  POST   copy/mix-trader         order-modify-tpsl
  GET    copy/spot-follower      query-current-orders query-history-orders query-settings query-trader-symbols
  GET    copy/spot-follower      query-traders
  POST   copy/spot-follower      cancel-trader order-close-tracking setting-tpsl settings stop-order
  GET    copy/spot-trader        config-query-followers config-query-settings order-current-track order-history-track
  GET    copy/spot-trader        order-total-detail profit-details profit-history-details profit-summarys
  POST   copy/spot-trader        config-remove-follower config-setting-symbols order-close-tracking order-modify-tpsl
  GET    earn/account            assets
  GET    earn/elite              assets product records redeem-info subscribe-info subscribe-result
  POST   earn/elite              redeem subscribe
  GET    earn/loan               borrow-history debts ongoing-orders reduces repay-history revise-history
  POST   earn/loan               borrow repay revise-pledge
  GET    earn/loan/public        coinInfos hour-interest
  GET    earn/savings            account assets product records redeem-result subscribe-info subscribe-result
  POST   earn/savings            redeem subscribe
  GET    earn/sharkfin           account assets product records subscribe-info subscribe-result
  POST   earn/sharkfin           subscribe
  GET    margin                  currencies
  GET    margin/crossed          borrow-history fills financial-records history-orders interest-history
  GET    margin/crossed          interest-rate-and-limit liquidation-history open-orders repay-history tier-data
  POST   margin/crossed          batch-cancel-order batch-place-order cancel-order place-order
  GET    margin/crossed/account  assets max-borrowable-amount max-transfer-out-amount risk-rate
  POST   margin/crossed/account  borrow flash-repay query-flash-repay-status repay
  GET    margin/isolated         borrow-history fills financial-records history-orders interest-history
  GET    margin/isolated         interest-rate-and-limit liquidation-history open-orders repay-history tier-data
  POST   margin/isolated         batch-cancel-order batch-place-order cancel-order place-order
  GET    margin/isolated/account assets max-borrowable-amount max-transfer-out-amount risk-rate
  POST   margin/isolated/account borrow flash-repay query-flash-repay-status repay
  GET    margin/market           long-short-ratio
  GET    mix/account             account accounts bill interest-history isolated-symbols liq-price max-open open-count
  GET    mix/account             sub-account-assets switch-union-usdt transfer-limits union-config
  POST   mix/account             set-all-leverage set-asset-mode set-auto-margin set-leverage set-margin set-margin-mode
  POST   mix/account             set-position-mode union-convert
  GET    mix/market              account-long-short candles contracts current-fund-rate discount-rate exchange-rate
  GET    mix/market              fills fills-history funding-time history-candles history-fund-rate
  GET    mix/market              history-index-candles history-mark-candles merge-depth oi-limit open-interest
  GET    mix/market              position-long-short query-position-lever symbol-price ticker tickers
  GET    mix/market              union-interest-rate-history vip-fee-rate
  GET    mix/order               detail fill-history fills orders-history orders-pending orders-plan-history
  GET    mix/order               orders-plan-pending plan-sub-order
  POST   mix/order               batch-cancel-orders batch-place-order cancel-all-orders cancel-order cancel-plan-order
  POST   mix/order               click-backhand close-positions modify-order modify-plan-order modify-tpsl-order
  POST   mix/order               place-order place-plan-order place-pos-tpsl place-tpsl-order
  GET    mix/position            adlRank all-position history-position single-position
  GET    p2p                     advList merchantInfo merchantList orderList
  GET    public                  annoucements time
  GET    spot/account            assets bills info subaccount-assets transferRecords upgrade-status
  POST   spot/account            upgrade
  GET    spot/market             candles fills fills-history history-candles merge-depth orderbook tickers vip-fee-rate
  GET    spot/public             coins symbols
  GET    spot/trade              current-plan-order fills history-orders history-plan-order orderInfo unfilled-orders
  POST   spot/trade              batch-cancel-order batch-cancel-plan-order batch-orders cancel-order cancel-plan-order
  POST   spot/trade              cancel-replace-order cancel-symbol-order modify-plan-order place-order place-plan-order
  GET    spot/wallet             deposit-address deposit-records withdrawal-records
  POST   spot/wallet             cancel-withdrawal modify-deposit-account subaccount-transfer transfer withdrawal
  GET    tax                     future-record margin-record p2p-record spot-record
  GET    user                    virtual-subaccount-apikey-list virtual-subaccount-list
  POST   user                    batch-create-subaccount-and-apikey create-agent-subaccount create-virtual-subaccount
  POST   user                    create-virtual-subaccount-apikey modify-virtual-subaccount
  POST   user                    modify-virtual-subaccount-apikey
`,
);
