/**
 * The package entry (`import { startAssetbook } from 'assetbook'`): assetbook started inside a
 * test suite's process, the operator API's typed client, and the snapshot file's types.
 * docs/testing-with-assetbook.md shows them with node's test runner, vitest, jest and ccxt.
 */
export { startAssetbook, type Assetbook, type AssetbookUrls, type StartOptions } from './embedded/start-assetbook.js';
export {
  OperatorClient,
  OperatorError,
  type ApplyResult,
  type Balances,
  type BatchResult,
  type OperationRequest,
  type OperatorClientOptions,
  type RestoreResult,
  type SnapshotFile,
  type VerifyReport,
} from './client/operator-client.js';
export type { CredentialsFile } from './scenario/credentials-file.js';
