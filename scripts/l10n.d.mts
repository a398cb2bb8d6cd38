// Types of scripts/l10n.mjs for the tests that import it.
export declare const BUNDLE: string;
export declare function sourceFiles(root?: string): string[];
export declare function makeBundle(root?: string): Promise<Record<string, string | { message: string; comment: string[] }>>;
export declare function bundleText(bundle: Record<string, unknown>): string;
