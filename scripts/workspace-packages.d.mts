export declare const root: string;
export declare function workspacePackages(): { path: string; manifest: { name: string; private?: boolean; [key: string]: unknown } }[];
