;; Pillow's 8-bit two-pass resampler (ImagingResampleHorizontal_8bpc / ImagingResampleVertical_8bpc)
;; as WebAssembly SIMD kernels. Same fixed-point arithmetic as ../pil-resample.ts (the readable
;; reference, which the tests compare this against): int32 sums that start at 1 << 21, 22-bit
;; coefficients, the sum shifted right by 22 and clamped to 0..255.
;;
;; Compiled by `npm run build:wasm` (wabt) into pil-resample-wasm.generated.ts; a unit test recompiles
;; this file and checks that the committed bytes match it.
;;
;; The caller (../pil-resample-wasm.ts) lays every buffer out in the exported memory and keeps at
;; least 16 bytes of slack after each one: loads may read a few bytes past a row's last pixel, and
;; stores may write a few bytes past it (the junk lanes are multiplied by zero or overwritten).
(module
  (memory (export "memory") 1)

  ;; Horizontal pass over `rows` rows, each output pixel a weighted sum of `channels` (1..4)
  ;; interleaved bytes at consecutive source pixels.
  ;;
  ;; Taps are taken two at a time with i32x4.dot_i16x8_s, which needs 16-bit factors, so each 22-bit
  ;; coefficient w is split as w = (hi << 11) + lo with lo in [0, 2048) and hi = w >> 11. Both halves
  ;; fit in int16 and the recombined sum equals the direct one modulo 2^32, like Pillow's int sums.
  ;;
  ;; src      first byte of the first row to process
  ;; stride   bytes per source row
  ;; rows     rows to process
  ;; outWidth output pixels per row
  ;; channels bytes per pixel (1..4); output rows are outWidth * channels bytes, packed
  ;; first    i32[outWidth]: byte offset within a source row of each output pixel's first tap
  ;; pairs    i32[outWidth]: number of tap pairs of each output pixel (an odd tap count is padded with w = 0)
  ;; weights  per output pixel, kpairs slots of two i32: packed (hi0 | hi1 << 16), packed (lo0 | lo1 << 16)
  ;; kpairs   slots per output pixel in `weights`
  ;; mask     i8x16.swizzle mask that turns the bytes of two adjacent pixels into int16 lanes
  ;;          [c0 p0, c0 p1, c1 p0, c1 p1, ...] (indices >= 16 give 0, i.e. zero extension)
  ;; out      first output byte
  (func (export "horizontal")
    (param $src i32) (param $stride i32) (param $rows i32) (param $outWidth i32) (param $channels i32)
    (param $first i32) (param $pairs i32) (param $weights i32) (param $kpairs i32) (param $mask i32)
    (param $out i32)
    (local $y i32) (local $x i32) (local $m i32) (local $n i32)
    (local $p i32) (local $w i32) (local $o i32)
    (local $swizzle v128) (local $hi v128) (local $lo v128) (local $pixels v128) (local $sum v128)
    (local.set $swizzle (v128.load (local.get $mask)))
    (local.set $o (local.get $out))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $rows)))
        (local.set $x (i32.const 0))
        (block $pixelsDone
          (loop $pixel
            (br_if $pixelsDone (i32.ge_u (local.get $x) (local.get $outWidth)))
            (local.set $p
              (i32.add
                (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $stride)))
                (i32.load (i32.add (local.get $first) (i32.shl (local.get $x) (i32.const 2))))))
            (local.set $n (i32.load (i32.add (local.get $pairs) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $w
              (i32.add (local.get $weights) (i32.shl (i32.mul (local.get $x) (local.get $kpairs)) (i32.const 3))))
            (local.set $hi (v128.const i32x4 0 0 0 0))
            (local.set $lo (v128.const i32x4 0 0 0 0))
            (local.set $m (i32.const 0))
            (block $tapsDone
              (loop $tap
                (br_if $tapsDone (i32.ge_u (local.get $m) (local.get $n)))
                (local.set $pixels (i8x16.swizzle (v128.load64_zero (local.get $p)) (local.get $swizzle)))
                (local.set $hi
                  (i32x4.add (local.get $hi)
                    (i32x4.dot_i16x8_s (local.get $pixels) (v128.load32_splat (local.get $w)))))
                (local.set $lo
                  (i32x4.add (local.get $lo)
                    (i32x4.dot_i16x8_s (local.get $pixels) (v128.load32_splat offset=4 (local.get $w)))))
                (local.set $p (i32.add (local.get $p) (i32.shl (local.get $channels) (i32.const 1))))
                (local.set $w (i32.add (local.get $w) (i32.const 8)))
                (local.set $m (i32.add (local.get $m) (i32.const 1)))
                (br $tap)))
            ;; (hi << 11) + lo + (1 << 21), then >> 22; the two saturating narrows clamp to 0..255.
            (local.set $sum
              (i32x4.shr_s
                (i32x4.add
                  (i32x4.add (i32x4.shl (local.get $hi) (i32.const 11)) (local.get $lo))
                  (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
                (i32.const 22)))
            (local.set $sum (i16x8.narrow_i32x4_s (local.get $sum) (local.get $sum)))
            (local.set $sum (i8x16.narrow_i16x8_u (local.get $sum) (local.get $sum)))
            ;; Four bytes stored, `channels` of them meaningful: the next pixel overwrites the rest.
            (v128.store32_lane 0 (local.get $o) (local.get $sum))
            (local.set $o (i32.add (local.get $o) (local.get $channels)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $pixel)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row))))

  ;; Vertical pass: output row y is the weighted sum of count[y] consecutive source rows starting
  ;; at byte offset rowOffset[y] from `src`, over `rowBytes` bytes (rowBytes >= 16). Sixteen bytes
  ;; are done at a time with their four int32x4 sums kept in registers across the taps; when rowBytes
  ;; is not a multiple of 16 the last block overlaps the one before (recomputing identical bytes).
  ;;
  ;; rowOffset i32[outRows], count i32[outRows], weights i32[outRows * ksize]
  (func (export "vertical")
    (param $src i32) (param $stride i32) (param $rowBytes i32) (param $outRows i32)
    (param $rowOffset i32) (param $count i32) (param $weights i32) (param $ksize i32) (param $out i32)
    (local $y i32) (local $t i32) (local $j i32) (local $n i32) (local $p i32) (local $w i32) (local $base i32)
    (local $wbase i32) (local $o i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $bytes v128) (local $half v128) (local $k v128)
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $outRows)))
        (local.set $base
          (i32.add (local.get $src) (i32.load (i32.add (local.get $rowOffset) (i32.shl (local.get $y) (i32.const 2))))))
        (local.set $n (i32.load (i32.add (local.get $count) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $wbase
          (i32.add (local.get $weights) (i32.shl (i32.mul (local.get $y) (local.get $ksize)) (i32.const 2))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $rowBytes))))
        (local.set $t (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $t) (local.get $rowBytes)))
            ;; The last block ends exactly at rowBytes.
            (if (i32.gt_u (i32.add (local.get $t) (i32.const 16)) (local.get $rowBytes))
              (then (local.set $t (i32.sub (local.get $rowBytes) (i32.const 16)))))
            (local.set $a0 (v128.const i32x4 0x200000 0x200000 0x200000 0x200000))
            (local.set $a1 (local.get $a0))
            (local.set $a2 (local.get $a0))
            (local.set $a3 (local.get $a0))
            (local.set $p (i32.add (local.get $base) (local.get $t)))
            (local.set $w (local.get $wbase))
            (local.set $j (i32.const 0))
            (block $tapsDone
              (loop $tap
                (br_if $tapsDone (i32.ge_u (local.get $j) (local.get $n)))
                (local.set $bytes (v128.load (local.get $p)))
                (local.set $k (v128.load32_splat (local.get $w)))
                (local.set $half (i16x8.extend_low_i8x16_u (local.get $bytes)))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $half)) (local.get $k))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $half)) (local.get $k))))
                (local.set $half (i16x8.extend_high_i8x16_u (local.get $bytes)))
                (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $half)) (local.get $k))))
                (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $half)) (local.get $k))))
                (local.set $p (i32.add (local.get $p) (local.get $stride)))
                (local.set $w (i32.add (local.get $w) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $tap)))
            (v128.store
              (i32.add (local.get $o) (local.get $t))
              (i8x16.narrow_i16x8_u
                (i16x8.narrow_i32x4_s
                  (i32x4.shr_s (local.get $a0) (i32.const 22))
                  (i32x4.shr_s (local.get $a1) (i32.const 22)))
                (i16x8.narrow_i32x4_s
                  (i32x4.shr_s (local.get $a2) (i32.const 22))
                  (i32x4.shr_s (local.get $a3) (i32.const 22)))))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $block)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row)))))
