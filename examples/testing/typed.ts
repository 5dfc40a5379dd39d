// What a TypeScript suite sees of the package entry: every call typed, amounts as strings.
// Compiled (not run) by test/package-entry.test.ts against dist/index.d.ts.
import { OperatorError, startAssetbook, type Assetbook, type SnapshotFile, type VerifyReport } from 'assetbook';

export async function typedUse(): Promise<number> {
  const assetbook: Assetbook = await startAssetbook({ demo: true, settings: { rateLimits: 'off' } });
  const alice: number = assetbook.account('alice');
  const bot: number = assetbook.account('alice', 'bot');
  const keys: Readonly<Record<string, string>> = assetbook.keys('alice', 'bullish');
  const urls: string[] = [assetbook.urls.base, assetbook.urls.operator, assetbook.urls.bitget, assetbook.urls.bullish, assetbook.urls.loopring];
  const applied = await assetbook.operator.apply({ key: 'k1', type: 'transfer', from: alice, to: bot, asset: 'BTC', amount: '0.1' });
  const entryId: number = applied.entry.id;
  // @ts-expect-error amounts are decimal strings, never numbers
  await assetbook.operator.apply({ key: 'k2', type: 'deposit', account: alice, asset: 'BTC', amount: 1 });
  const snapshot: SnapshotFile = await assetbook.operator.snapshot();
  const version: 1 = snapshot.version;
  const restored = await assetbook.operator.restore(snapshot);
  const report: VerifyReport = await assetbook.operator.verify();
  try {
    await assetbook.operator.restore({ format: 'something else' });
  } catch (error) {
    if (error instanceof OperatorError) console.log(error.status, error.code, error.path);
  }
  await assetbook.stop();
  return entryId + version + restored.journalHead + report.entries + urls.length + Object.keys(keys).length;
}
