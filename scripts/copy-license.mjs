#!/usr/bin/env node
// A package's prepack copies the repository's LICENSE into it, so the tarball carries it;
// postpack (--remove) deletes the copy again. Run from the package directory.
import { copyFileSync, rmSync } from 'node:fs';

if (process.argv.includes('--remove')) rmSync('LICENSE', { force: true });
else copyFileSync(new URL('../LICENSE', import.meta.url), 'LICENSE');
