// better-sqlite3-multiple-ciphers 13.0.3's package.json "exports" names only lib/index.js, so
// TypeScript does not find the index.d.ts the package ships beside it. This declares the package
// as that file, reached through the ".../typings" entry of "paths" in tsconfig.base.json. No code
// imports that name at run time: a "paths" entry for the package's own name would also redirect
// the real import in the loaders that honour tsconfig paths (Playwright's and tsx's) to the .d.ts.
declare module 'better-sqlite3-multiple-ciphers' {
  import Database from 'better-sqlite3-multiple-ciphers/typings';
  export = Database;
}
