/**
 * A benchmark server stops on SIGTERM or SIGINT, and also when its parent's end of stdin closes,
 * so that it never outlives a parent killed with SIGKILL.
 */
export function exitOnStop(close: () => Promise<void>): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
}
