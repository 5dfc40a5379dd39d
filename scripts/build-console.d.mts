/** scripts/build-console.mjs: bundles the operator console (console/) into `outdir` (dist/console/ by default). */
export declare const CONSOLE_SOURCE: string;
export declare const CONSOLE_OUT: string;
export declare function buildConsole(outdir?: string): Promise<string>;
