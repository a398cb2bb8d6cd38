// Types for paths.mjs, so the TypeScript harness can import it under strict mode.
export declare const repoRoot: string;
export declare const cacheDir: string;
export declare const CODE_SERVER_VERSION: string;
export declare const NODE_MAJOR: number;
export declare const node24Prefix: string;
export declare const node24Home: string;
export declare const node24BinDir: string;
export declare const node24: string;
export declare const codeServerPrefix: string;
export declare const codeServerDir: string;
export declare const codeServerEntry: string;
export declare const codeServerMarker: string;
export declare const chromiumPath: string;
export declare const vsixPath: string;
export declare const outputDir: string;
export declare const quietSettings: Readonly<Record<string, unknown>>;
export declare const codeServerFlags: readonly string[];
