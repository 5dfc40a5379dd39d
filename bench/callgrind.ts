/**
 * valgrind's callgrind, as bench/read-instructions.ts drives it: a server's node runs under it with
 * instrumentation off; `callgrind_control` turns it on, zeroes and dumps the counters around a
 * counted run; the dump is read here.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * V8's runtime function for a property with a computed key in an object literal, called from
 * JavaScript when the literal's store has gone megamorphic: Node's `process.nextTick` builds every
 * tick object that way (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`).
 * Under callgrind some server processes fall into that state and stay in it, others never do (see
 * docs/benchmarks.md); its instructions are counted apart so that the state shows.
 */
export const SLOW_LITERAL_FUNCTION = 'Runtime_DefineKeyedOwnPropertyInLiteral';

/** The command a server's node runs under: callgrind, counting nothing until told to. */
export function callgrindWrapper(dir: string, cacheSim: boolean): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--instr-atstart=no',
    // V8 writes and rewrites its machine code in anonymous memory.
    '--smc-check=all-non-file',
    ...(cacheSim ? ['--cache-sim=yes', '--branch-sim=yes'] : []),
    `--callgrind-out-file=${join(dir, 'callgrind.%p.out')}`,
  ];
}

export function callgrindControl(pid: number, ...args: string[]): void {
  execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'pipe' });
}

export function valgrindVersion(): string {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  }
}

/** What one dump holds: its totals by event (Ir: instructions), and the instructions spent in `SLOW_LITERAL_FUNCTION`, callees included. */
export interface Dump {
  readonly events: Readonly<Record<string, number>>;
  readonly slowLiteral: number;
}

/** The newest dump callgrind wrote for `pid` in `dir`. */
export function lastDump(dir: string, pid: number): Dump {
  const prefix = `callgrind.${pid}.out.`;
  const dumps = readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .map((f) => Number(f.slice(prefix.length)))
    .filter((n) => Number.isInteger(n));
  if (dumps.length === 0) throw new Error(`callgrind wrote no dump for pid ${pid} in ${dir}`);
  return parseDump(readFileSync(join(dir, `${prefix}${Math.max(...dumps)}`), 'utf8'), pid);
}

/**
 * Reads callgrind's format: `events:` names the columns, `summary:` gives the totals; a call is
 * `cfn=(id) name`, then `calls=…`, then one line with the call's inclusive costs. Names are
 * compressed: the first `fn=(id) name` or `cfn=(id) name` gives an id its name, later ones the id alone.
 */
function parseDump(text: string, pid: number): Dump {
  const names = /^events: (.+)$/m.exec(text)?.[1]?.trim().split(/\s+/);
  const counts = /^summary: (.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (names === undefined || counts === undefined || names.length !== counts.length || !names.includes('Ir')) {
    throw new Error(`callgrind's dump for pid ${pid} has no events and summary lines that match`);
  }
  const ir = names.indexOf('Ir');
  const functionNames = new Map<string, string>();
  let callee: string | undefined;
  let inCall = false;
  let slowLiteral = 0;
  for (const line of text.split('\n')) {
    const named = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named !== null) {
      if (named[2] !== undefined) functionNames.set(named[1]!, named[2]);
      if (line.startsWith('cfn=')) callee = named[1];
      continue;
    }
    if (line.startsWith('calls=')) {
      inCall = true;
      continue;
    }
    if (inCall && /^[+\-*\d]/.test(line)) {
      inCall = false;
      // The cost line's first field is the position, then the events in their order.
      if (callee !== undefined && (functionNames.get(callee) ?? '').includes(SLOW_LITERAL_FUNCTION)) slowLiteral += Number(line.trim().split(/\s+/)[ir + 1] ?? 0);
    }
  }
  return { events: Object.fromEntries(names.map((name, i) => [name, counts[i]!])), slowLiteral };
}
