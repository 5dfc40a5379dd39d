import { bitgetTarget } from './bitget.js';
import { bullishTarget } from './bullish.js';
import { loopringTarget } from './loopring.js';
import { operatorTarget } from './operator.js';
import type { ReadTarget } from './target.js';

/** Every read the benchmark can measure, by `--target` name. */
export const READ_TARGETS: readonly ReadTarget[] = [operatorTarget, bitgetTarget, bullishTarget, loopringTarget];
