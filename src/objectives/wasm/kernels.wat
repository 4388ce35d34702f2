;; optlab's WebAssembly kernels (compiled by scripts/build-wasm.mjs into kernels.generated.ts).
;;
;; The module holds the three passes of a value-and-gradient evaluation over a tile of rows, written out by
;; scripts/wasm-passes.mjs and appended below at build time (WAT has no macros; each pass exists for several
;; index widths, and for binary or valued data):
;;   rowsZ_<W>_<B>     z = A_tile x (gathers, 4 independent partial sums), for a tile or a mini-batch
;;   lossLsq, lossLog  a branch-free f64x2 pass over the margins: Σ ℓ(z, y) and c = scale·ℓ'(z, y), with
;;                     exp (a table of 2^(j/128), 2^k from bits) and log1p (a table of log(1 + E) at exp's
;;                     points) computed here, not imported: no engine function, the same bits on every engine
;;   cscG_<R>_<B>      g += A_tileᵀ c through the tile's CSC copy of the pattern (gathers, no scatter)
;;   scatterG_<W>_<B>  g += A_Bᵀ c row by row, for mini-batches
;; The data layout and the driver are in layout.ts; the JavaScript reference kernels (../kernels.ts) are
;; the oracle the tests hold these to (1e-13 relative), and the fallback where WebAssembly SIMD is missing.
;;
;; All pointers are byte offsets into the module's memory. Bytes 16 up to KERNELS_X_BASE hold the SIMD
;; constants (a data segment); x, the point, sits at KERNELS_X_BASE.
;;
;; Also two dense kernels of the quasi-Newton methods (src/methods/dense-ops.ts), hand-written below: each
;; computes exactly what its JavaScript loop in src/methods/curvature.ts computes, operation for operation
;; (no fused multiply-add in WebAssembly), so both give the same bits; SIMD only puts independent
;; operations side by side.
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = ±Σ_j M[i,j] v[j] for a row-major d×d matrix M, each sum in the order j = 0..d−1: the f64x2
  ;; lanes hold two rows' sums (rows i, i+1 and i+2, i+3: two independent chains), loaded one element per
  ;; lane. $neg ≠ 0 negates the results. Odd d: the last row alone.
  (func (export "denseMatVec") (param $M i32) (param $v i32) (param $out i32) (param $d i32) (param $neg i32)
    (local $i i32) (local $j i32) (local $rowBytes i32) (local $p0 i32) (local $p1 i32) (local $p2 i32)
    (local $p3 i32) (local $pv i32) (local $a v128) (local $b v128) (local $vj v128) (local $s f64)
    (local $m v128) (local $end i32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (block $rows4done (loop $rows4
      (br_if $rows4done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $d)))
      (local.set $p0 (i32.add (local.get $M) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $p1 (i32.add (local.get $p0) (local.get $rowBytes)))
      (local.set $p2 (i32.add (local.get $p1) (local.get $rowBytes)))
      (local.set $p3 (i32.add (local.get $p2) (local.get $rowBytes)))
      (local.set $a (v128.const f64x2 0 0))
      (local.set $b (v128.const f64x2 0 0))
      (local.set $pv (local.get $v))
      (local.set $end (i32.add (local.get $v) (local.get $rowBytes)))
      (block $jdone (loop $jl
        (br_if $jdone (i32.ge_u (local.get $pv) (local.get $end)))
        (local.set $vj (v128.load64_splat (local.get $pv)))
        (local.set $m (v128.load64_lane 1 (local.get $p1) (v128.load64_zero (local.get $p0))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $m) (local.get $vj))))
        (local.set $m (v128.load64_lane 1 (local.get $p3) (v128.load64_zero (local.get $p2))))
        (local.set $b (f64x2.add (local.get $b) (f64x2.mul (local.get $m) (local.get $vj))))
        (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 8)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 8)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 8)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 8)))
        (br $jl)))
      (if (local.get $neg) (then
        (local.set $a (f64x2.neg (local.get $a)))
        (local.set $b (f64x2.neg (local.get $b)))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $a))
      (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $b))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $rows4)))
    ;; the last d mod 4 rows, one at a time
    (block $rowsdone (loop $rows
      (br_if $rowsdone (i32.ge_s (local.get $i) (local.get $d)))
      (local.set $p0 (i32.add (local.get $M) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $s (f64.const 0))
      (local.set $pv (local.get $v))
      (local.set $end (i32.add (local.get $v) (local.get $rowBytes)))
      (block $kdone (loop $kl
        (br_if $kdone (i32.ge_u (local.get $pv) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $p0)) (f64.load (local.get $pv)))))
        (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 8)))
        (br $kl)))
      (if (local.get $neg) (then (local.set $s (f64.neg (local.get $s)))))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $s))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; The BFGS rank-two update of a row-major d×d H, element by element as curvature.ts writes it:
  ;;   H[i,j] += nrho·(s_i·Hy_j + Hy_i·s_j) + (c·s_i)·s_j,   nrho = −ρ,
  ;; two elements j, j+1 of a row per f64x2 (unaligned loads when d is odd), the last one alone.
  (func (export "denseRank2") (param $H i32) (param $s i32) (param $hy i32) (param $d i32) (param $nrho f64)
    (param $c f64)
    (local $i i32) (local $ph i32) (local $ps i32) (local $py i32) (local $end i32) (local $pairEnd i32)
    (local $si f64) (local $hyi f64) (local $csi f64) (local $vsi v128) (local $vhyi v128) (local $vcsi v128)
    (local $vnrho v128) (local $sj v128)
    (local.set $vnrho (f64x2.splat (local.get $nrho)))
    (local.set $ph (local.get $H))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $i) (local.get $d)))
      (local.set $si (f64.load (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $hyi (f64.load (i32.add (local.get $hy) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $csi (f64.mul (local.get $c) (local.get $si)))
      (local.set $vsi (f64x2.splat (local.get $si)))
      (local.set $vhyi (f64x2.splat (local.get $hyi)))
      (local.set $vcsi (f64x2.splat (local.get $csi)))
      (local.set $ps (local.get $s))
      (local.set $py (local.get $hy))
      (local.set $end (i32.add (local.get $s) (i32.shl (local.get $d) (i32.const 3))))
      (local.set $pairEnd (i32.sub (local.get $end) (i32.const 8)))
      (block $pdone (loop $pairs
        (br_if $pdone (i32.ge_u (local.get $ps) (local.get $pairEnd)))
        (local.set $sj (v128.load (local.get $ps)))
        (v128.store (local.get $ph)
          (f64x2.add (v128.load (local.get $ph))
            (f64x2.add
              (f64x2.mul (local.get $vnrho)
                (f64x2.add (f64x2.mul (local.get $vsi) (v128.load (local.get $py)))
                  (f64x2.mul (local.get $vhyi) (local.get $sj))))
              (f64x2.mul (local.get $vcsi) (local.get $sj)))))
        (local.set $ps (i32.add (local.get $ps) (i32.const 16)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $ph (i32.add (local.get $ph) (i32.const 16)))
        (br $pairs)))
      (if (i32.lt_u (local.get $ps) (local.get $end)) (then
        (f64.store (local.get $ph)
          (f64.add (f64.load (local.get $ph))
            (f64.add
              (f64.mul (local.get $nrho)
                (f64.add (f64.mul (local.get $si) (f64.load (local.get $py)))
                  (f64.mul (local.get $hyi) (f64.load (local.get $ps)))))
              (f64.mul (local.get $csi) (f64.load (local.get $ps))))))
        (local.set $ph (i32.add (local.get $ph) (i32.const 8)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )
)
