export interface PublicPackage {
  dir: string;
  pkg: {
    name: string;
    version: string;
    private?: boolean;
    bin?: unknown;
    exports?: unknown;
    [key: string]: unknown;
  };
}
export interface PackedPackage extends PublicPackage {
  name: string;
  /** Absolute path of the .tgz. */
  tarball: string;
}
export const root: string;
export function publicPackages(): PublicPackage[];
export function packPackages(outDir: string, packages?: PublicPackage[]): Promise<PackedPackage[]>;
