#!/usr/bin/env node
// Runs the CLI straight from the TypeScript sources (tsx), so `npx mediaparser` works
// in a checkout right after `npm ci` with no separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
