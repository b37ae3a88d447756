#!/usr/bin/env node
/**
 * Renders build/icon.svg to the 512x512 build/icon.png electron-builder and the tray use, and
 * copies the SVG to the renderer's favicon. Run after editing the SVG.
 */
import { copyFileSync } from 'node:fs';
import sharp from 'sharp';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const info = await sharp(join(here, 'icon.svg'), { density: 72 })
  .resize(512, 512)
  .png({ compressionLevel: 9, palette: true, quality: 90 })
  .toFile(join(here, 'icon.png'));
console.log(`build/icon.png ${info.width}x${info.height}, ${info.size} bytes`);
copyFileSync(join(here, 'icon.svg'), join(here, '..', 'renderer', 'public', 'favicon.svg'));
console.log('renderer/public/favicon.svg copied');
