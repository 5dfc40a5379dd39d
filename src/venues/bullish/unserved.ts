import { VenuePaths } from '../shared/venue-paths.js';

/**
 * Every Bullish REST path under `/trading-api`, by method: ccxt 4.5.84's `bullish` API
 * definition (`api` in node_modules/ccxt/js/src/bullish.js, public and private). A request no
 * assetbook route takes gets `UNSUPPORTED_OPERATION` when it is in here (the venue has it,
 * assetbook does not serve it), else the venue's `UNKNOWN_REQUEST_TYPE` (errors.ts).
 * test/venues/unserved-paths.test.ts checks this table against ccxt's.
 */
export const BULLISH_VENUE_PATHS = new VenuePaths(
  '/trading-api',
  `
  GET    v1                                        assets derivatives-positions index-prices markets nonce option-ladder
  GET    v1                                        time trades vol-grids
  POST   v1                                        bulk-simulate-portfolio-margin simulate-portfolio-margin
  GET    v1/accounts                               asset trading-accounts
  GET    v1/accounts/asset                         {symbol}
  GET    v1/accounts/trading-accounts              {tradingAccountId}
  GET    v1/assets                                 {symbol}
  GET    v1/assets/{symbol}                        vol-grid
  GET    v1/expiry-prices                          {symbol}
  GET    v1/history                                borrow-interest derivatives-settlement markets option-trades trades
  GET    v1/history                                transfer
  GET    v1/history/markets                        {symbol}
  GET    v1/history/markets/{symbol}               auctions funding-rate trades
  GET    v1/index-prices                           {assetSymbol}
  GET    v1/markets                                {symbol}
  GET    v1/markets/{symbol}                       auctions candle tick trades
  GET    v1/markets/{symbol}/auctions              noii
  GET    v1/markets/{symbol}/orderbook             hybrid
  GET    v1/option-ladder                          {symbol}
  GET    v1/trades                                 {tradeId}
  GET    v1/trades/client-order-id                 {clientOrderId}
  GET    v1/users                                  logout
  GET    v1/users/hmac                             login
  GET    v1/wallets                                transactions
  POST   v1/wallets                                withdrawal
  GET    v1/wallets/deposit-instructions/crypto    {symbol}
  GET    v1/wallets/deposit-instructions/fiat      {symbol}
  GET    v1/wallets/limits                         {symbol}
  GET    v1/wallets/self-hosted                    verification-attempts
  POST   v1/wallets/self-hosted                    initiate
  GET    v1/wallets/withdrawal-instructions/crypto {symbol}
  GET    v1/wallets/withdrawal-instructions/fiat   {symbol}
  GET    v2                                        amm-instructions mmp-configuration orders otc-trades
  POST   v2                                        amm-instructions command mmp-configuration orders otc-command
  POST   v2                                        otc-trades
  GET    v2/amm-instructions                       {instructionId}
  GET    v2/history                                orders
  GET    v2/idb                                    delegated-accounts otc-trades
  POST   v2/idb                                    otc-command otc-trades
  GET    v2/orders                                 {orderId}
  GET    v2/orders/client-order-id                 {clientOrderId}
  GET    v2/otc-trades                             delegated-accounts unconfirmed-trade {otcTradeId}
  POST   v2/users                                  login
`,
);
