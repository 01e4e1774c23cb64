// Types of e2e-code-server.mjs for the TypeScript scripts that import it (readme-screenshots.ts).
export declare const CODE_SERVER_VERSION: string;
export declare const CHROMIUM: string;
export declare function codeServerDir(): string;
export declare function codeServerEntry(): string;
export declare function installedMarker(): string;
export declare function codeServerInstalled(): boolean;
