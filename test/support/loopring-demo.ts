/**
 * The demo scenario's Loopring layer-2 private keys (examples/demo.json publishes them in its
 * description; only the public keys are loaded). Public demo values: never use them elsewhere.
 */
export const DEMO_LAYER2_KEYS = {
  alice: '0x03b0907f84aca56c611f9bad649686254595dec601210b5ba147f85d81f020cb',
  bob: '0x03874e32897d4d60f2c05282e44725d8934d98502b9956533cd9fd29b141e4a5',
  carol: '0x031235bac30b647aa09542c03da1c03bdb4a590a6dba338a17ae770228c8638b',
} as const;

export const DEMO_LOOPRING = {
  alice: { accountId: 10010, address: '0x1111111111111111111111111111111111111111', apiKey: 'demo-alice-loopring-api-key' },
  bob: { accountId: 10020, address: '0x2222222222222222222222222222222222222222', apiKey: 'demo-bob-loopring-api-key' },
  carol: { accountId: 10030, address: '0x3333333333333333333333333333333333333333', apiKey: 'demo-carol-loopring-api-key' },
} as const;
