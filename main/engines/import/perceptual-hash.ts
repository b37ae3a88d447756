/**
 * Near-duplicate detection, part 1 (issue 11): a 64-bit difference hash (dHash) of a picture,
 * computed in the background after an import (main/library/similar/similar-indexer.ts). A re-save, a chat app's re-encode
 * or a resized copy keeps the same coarse light/dark gradients, so their hashes differ in a few
 * bits at most, while their sha256 differ completely.
 *
 * sharp does the decoding (JPEG shrink-on-load keeps it cheap); the picture is turned upright
 * first, so a copy whose rotation was baked in still matches its original.
 */
import sharp from 'sharp';

// A decode that takes longer than this is a pathological file: it simply gets no hash.
const HASH_TIMEOUT_SECONDS = 20;

/**
 * The dHash of an image as 16 hex digits, or null when sharp cannot decode it. Never throws:
 * a picture without a hash is only left out of the near-duplicate groups.
 */
export async function perceptualHash(input: Buffer | string): Promise<string | null> {
  try {
    // 9x8 greyscale: each row gives 8 left/right comparisons, 64 bits in all.
    // ignoreIcc: a colour profile's transform can cost many times the decode (an sRGB v4 LUT
    // profile does) and changes nothing a 9x8 grey gradient can see.
    const { data, info } = await sharp(input, { failOn: 'truncated', pages: 1, limitInputPixels: 200_000_000, ignoreIcc: true })
      .rotate()
      .greyscale()
      .resize(9, 8, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .timeout({ seconds: HASH_TIMEOUT_SECONDS })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== 9 || info.height !== 8) return null;
    const channels = info.channels;
    let hash = 0n;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const left = data[(y * 9 + x) * channels]!;
        const right = data[(y * 9 + x + 1) * channels]!;
        hash = (hash << 1n) | (left > right ? 1n : 0n);
      }
    }
    return hash.toString(16).padStart(16, '0');
  } catch {
    return null;
  }
}

/** Bits that differ between two hashes (0 = same gradients). */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x > 0n) {
    x &= x - 1n;
    n++;
  }
  return n;
}
