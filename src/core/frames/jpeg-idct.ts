/**
 * libjpeg's accurate integer inverse DCT (jidctint.c, "islow", the default
 * that sharp/libvips and OpenCV decode with), transcribed operation for
 * operation so the luma it gives matches theirs exactly on valid frames:
 * 13-bit fixed-point constants, 2 extra bits kept between the passes. Every
 * intermediate fits in 32 bits for 8-bit samples (libjpeg relies on the same).
 */

const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;
const PASS1_SHIFT = CONST_BITS - PASS1_BITS;
const PASS1_ROUND = 1 << (PASS1_SHIFT - 1);
const PASS2_SHIFT = CONST_BITS + PASS1_BITS + 3;
const PASS2_ROUND = 1 << (PASS2_SHIFT - 1);
const DC_SHIFT = PASS1_BITS + 3;
const DC_ROUND = 1 << (DC_SHIFT - 1);

/** Between the column and row passes; one block at a time, so one is enough. */
const workspace = new Int32Array(64);

function clampSample(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/**
 * Inverse-transform one block of dequantized coefficients (natural order)
 * into 8x8 samples at `out[offset]`, rows `stride` apart.
 */
export function idctBlock(block: Int32Array, out: Uint8Array, offset: number, stride: number): void {
  const ws = workspace;
  for (let col = 0; col < 8; col++) {
    const c1 = block[8 + col]!;
    const c2 = block[16 + col]!;
    const c3 = block[24 + col]!;
    const c4 = block[32 + col]!;
    const c5 = block[40 + col]!;
    const c6 = block[48 + col]!;
    const c7 = block[56 + col]!;
    if ((c1 | c2 | c3 | c4 | c5 | c6 | c7) === 0) {
      const dc = block[col]! << PASS1_BITS;
      for (let row = 0; row < 64; row += 8) ws[row + col] = dc;
      continue;
    }
    const c0 = block[col]!;
    let z1 = (c2 + c6) * FIX_0_541196100;
    const tmp2e = z1 - c6 * FIX_1_847759065;
    const tmp3e = z1 + c2 * FIX_0_765366865;
    const tmp0e = (c0 + c4) << CONST_BITS;
    const tmp1e = (c0 - c4) << CONST_BITS;
    const tmp10 = tmp0e + tmp3e;
    const tmp13 = tmp0e - tmp3e;
    const tmp11 = tmp1e + tmp2e;
    const tmp12 = tmp1e - tmp2e;
    z1 = c7 + c1;
    let z2 = c5 + c3;
    let z3 = c7 + c3;
    let z4 = c5 + c1;
    const z5 = (z3 + z4) * FIX_1_175875602;
    let tmp0 = c7 * FIX_0_298631336;
    let tmp1 = c5 * FIX_2_053119869;
    let tmp2 = c3 * FIX_3_072711026;
    let tmp3 = c1 * FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    ws[col] = (tmp10 + tmp3 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[56 + col] = (tmp10 - tmp3 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[8 + col] = (tmp11 + tmp2 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[48 + col] = (tmp11 - tmp2 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[16 + col] = (tmp12 + tmp1 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[40 + col] = (tmp12 - tmp1 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[24 + col] = (tmp13 + tmp0 + PASS1_ROUND) >> PASS1_SHIFT;
    ws[32 + col] = (tmp13 - tmp0 + PASS1_ROUND) >> PASS1_SHIFT;
  }
  for (let row = 0, o = offset; row < 64; row += 8, o += stride) {
    const w0 = ws[row]!;
    const w1 = ws[row + 1]!;
    const w2 = ws[row + 2]!;
    const w3 = ws[row + 3]!;
    const w4 = ws[row + 4]!;
    const w5 = ws[row + 5]!;
    const w6 = ws[row + 6]!;
    const w7 = ws[row + 7]!;
    if ((w1 | w2 | w3 | w4 | w5 | w6 | w7) === 0) {
      // Stores, not out.fill(): a builtin call costs more than 8 bytes of writes.
      const sample = clampSample(((w0 + DC_ROUND) >> DC_SHIFT) + 128);
      out[o] = sample;
      out[o + 1] = sample;
      out[o + 2] = sample;
      out[o + 3] = sample;
      out[o + 4] = sample;
      out[o + 5] = sample;
      out[o + 6] = sample;
      out[o + 7] = sample;
      continue;
    }
    let z1 = (w2 + w6) * FIX_0_541196100;
    const tmp2e = z1 - w6 * FIX_1_847759065;
    const tmp3e = z1 + w2 * FIX_0_765366865;
    const tmp0e = (w0 + w4) << CONST_BITS;
    const tmp1e = (w0 - w4) << CONST_BITS;
    const tmp10 = tmp0e + tmp3e;
    const tmp13 = tmp0e - tmp3e;
    const tmp11 = tmp1e + tmp2e;
    const tmp12 = tmp1e - tmp2e;
    z1 = w7 + w1;
    let z2 = w5 + w3;
    let z3 = w7 + w3;
    let z4 = w5 + w1;
    const z5 = (z3 + z4) * FIX_1_175875602;
    let tmp0 = w7 * FIX_0_298631336;
    let tmp1 = w5 * FIX_2_053119869;
    let tmp2 = w3 * FIX_3_072711026;
    let tmp3 = w1 * FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[o] = clampSample(((tmp10 + tmp3 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 7] = clampSample(((tmp10 - tmp3 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 1] = clampSample(((tmp11 + tmp2 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 6] = clampSample(((tmp11 - tmp2 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 2] = clampSample(((tmp12 + tmp1 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 5] = clampSample(((tmp12 - tmp1 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 3] = clampSample(((tmp13 + tmp0 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
    out[o + 4] = clampSample(((tmp13 - tmp0 + PASS2_ROUND) >> PASS2_SHIFT) + 128);
  }
}
