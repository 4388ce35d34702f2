;; Fused sparse kernels of optlab's margin losses, in WebAssembly (compiled by scripts/build-wasm.mjs).
;;
;; Each function is the WebAssembly twin of the JavaScript kernel of the same name in ../kernels.ts: over
;; the rows B (rows start..end-1, or idx[start..end-1] when $idx ≠ 0), gather z = a_iᵀx, evaluate the
;; loss and its derivative from e = exp(−|z|), add ℓ to the sum and scatter scale·ℓ'(z)·a_i into g. The
;; operations run in the same order as in JavaScript, so results agree bit for bit.
;;
;; The gather (z = a_iᵀx) and scatter (g += c·a_i) loops are written inline in each function, once for a
;; binary matrix ($vals = 0) and once with values: V8 does not inline calls between WebAssembly functions.
;;
;; All pointers are byte offsets into the module's memory (offset 0 is never used, so 0 means "none"):
;;   $rp: Int32 row pointers, $ci: Int32 column indices, $vals: Float64 values (0: every value is 1),
;;   $y: Float64 labels, $x: Float64 point, $g: Float64 gradient (accumulated into), $idx: Int32 rows.
;; exp and log1p come from the host (Math.exp, Math.log1p), so both kernels compute exactly what
;; JavaScript computes.
(module
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "math" "log1p" (func $log1p (param f64) (result f64)))
  (import "env" "memory" (memory 1))

  ;; sigmoid least squares: ℓ = r², r = y − σ(z) (= (y − 1) + σ(−z) for z ≥ 0), ℓ' = −2 r σ(z) σ(−z)
  (func (export "sigmoidLsqValueGrad")
    (param $rp i32) (param $ci i32) (param $vals i32) (param $y i32) (param $x i32) (param $g i32)
    (param $scale f64) (param $idx i32) (param $start i32) (param $end i32) (result f64)
    (local $t i32) (local $i i32) (local $lo i32) (local $hi i32) (local $p i32) (local $k i32) (local $a i32)
    (local $z f64) (local $e f64) (local $big f64) (local $small f64) (local $yi f64)
    (local $s f64) (local $sm f64) (local $r f64) (local $c f64) (local $sum f64)
    (local.set $t (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
      (local.set $i (if (result i32) (i32.eqz (local.get $idx))
        (then (local.get $t))
        (else (i32.load (i32.add (local.get $idx) (i32.shl (local.get $t) (i32.const 2)))))))
      (local.set $p (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $lo (i32.load (local.get $p)))
      (local.set $hi (i32.load offset=4 (local.get $p)))
      (local.set $z (f64.const 0))
      (local.set $k (local.get $lo))
      (if (i32.eqz (local.get $vals))
        (then
          (block $gend (loop $gnext
            (br_if $gend (i32.ge_u (local.get $k) (local.get $hi)))
            (local.set $z (f64.add (local.get $z)
              (f64.load (i32.add (local.get $x)
                (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $gnext))))
        (else
          (block $gend (loop $gnext
            (br_if $gend (i32.ge_u (local.get $k) (local.get $hi)))
            (local.set $z (f64.add (local.get $z)
              (f64.mul
                (f64.load (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 3))))
                (f64.load (i32.add (local.get $x)
                  (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $gnext)))))
      (local.set $e (call $exp (f64.neg (f64.abs (local.get $z)))))
      (local.set $big (f64.div (f64.const 1) (f64.add (f64.const 1) (local.get $e))))
      (local.set $small (f64.mul (local.get $e) (local.get $big)))
      (local.set $yi (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))))
      (if (f64.ge (local.get $z) (f64.const 0))
        (then
          (local.set $s (local.get $big))
          (local.set $sm (local.get $small))
          (local.set $r (f64.add (f64.sub (local.get $yi) (f64.const 1)) (local.get $sm))))
        (else
          (local.set $s (local.get $small))
          (local.set $sm (local.get $big))
          (local.set $r (f64.sub (local.get $yi) (local.get $s)))))
      (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $r) (local.get $r))))
      (local.set $c (f64.mul (f64.mul (f64.mul (f64.mul (f64.const -2) (local.get $r)) (local.get $s)) (local.get $sm))
        (local.get $scale)))
      (if (f64.ne (local.get $c) (f64.const 0))
        (then
          (local.set $k (local.get $lo))
          (if (i32.eqz (local.get $vals))
            (then
              (block $send (loop $snext
                (br_if $send (i32.ge_u (local.get $k) (local.get $hi)))
                (local.set $a (i32.add (local.get $g)
                  (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $c)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $snext))))
            (else
              (block $send (loop $snext
                (br_if $send (i32.ge_u (local.get $k) (local.get $hi)))
                (local.set $a (i32.add (local.get $g)
                  (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
                  (f64.mul (local.get $c) (f64.load (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $snext)))))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows)))
    (local.get $sum))

  ;; logistic: ℓ = softplus(m), m = −ỹz (ỹ = +1 if y = 1 else −1), ℓ' = −ỹ σ(m)
  (func (export "logisticValueGrad")
    (param $rp i32) (param $ci i32) (param $vals i32) (param $y i32) (param $x i32) (param $g i32)
    (param $scale f64) (param $idx i32) (param $start i32) (param $end i32) (result f64)
    (local $t i32) (local $i i32) (local $lo i32) (local $hi i32) (local $p i32) (local $k i32) (local $a i32)
    (local $z f64) (local $sgn f64) (local $m f64) (local $e f64) (local $sig f64) (local $c f64) (local $sum f64)
    (local.set $t (local.get $start))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
      (local.set $i (if (result i32) (i32.eqz (local.get $idx))
        (then (local.get $t))
        (else (i32.load (i32.add (local.get $idx) (i32.shl (local.get $t) (i32.const 2)))))))
      (local.set $p (i32.add (local.get $rp) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $lo (i32.load (local.get $p)))
      (local.set $hi (i32.load offset=4 (local.get $p)))
      (local.set $z (f64.const 0))
      (local.set $k (local.get $lo))
      (if (i32.eqz (local.get $vals))
        (then
          (block $gend (loop $gnext
            (br_if $gend (i32.ge_u (local.get $k) (local.get $hi)))
            (local.set $z (f64.add (local.get $z)
              (f64.load (i32.add (local.get $x)
                (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $gnext))))
        (else
          (block $gend (loop $gnext
            (br_if $gend (i32.ge_u (local.get $k) (local.get $hi)))
            (local.set $z (f64.add (local.get $z)
              (f64.mul
                (f64.load (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 3))))
                (f64.load (i32.add (local.get $x)
                  (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $gnext)))))
      (local.set $sgn (select (f64.const 1) (f64.const -1)
        (f64.eq (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 1))))
      (local.set $m (f64.mul (f64.neg (local.get $sgn)) (local.get $z)))
      (local.set $e (call $exp (f64.neg (f64.abs (local.get $m)))))
      (local.set $sum (f64.add (local.get $sum)
        (f64.add (select (local.get $m) (f64.const 0) (f64.gt (local.get $m) (f64.const 0))) (call $log1p (local.get $e)))))
      (if (f64.ge (local.get $m) (f64.const 0))
        (then (local.set $sig (f64.div (f64.const 1) (f64.add (f64.const 1) (local.get $e)))))
        (else (local.set $sig (f64.div (local.get $e) (f64.add (f64.const 1) (local.get $e))))))
      (local.set $c (f64.mul (f64.mul (f64.neg (local.get $sgn)) (local.get $sig)) (local.get $scale)))
      (if (f64.ne (local.get $c) (f64.const 0))
        (then
          (local.set $k (local.get $lo))
          (if (i32.eqz (local.get $vals))
            (then
              (block $send (loop $snext
                (br_if $send (i32.ge_u (local.get $k) (local.get $hi)))
                (local.set $a (i32.add (local.get $g)
                  (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $c)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $snext))))
            (else
              (block $send (loop $snext
                (br_if $send (i32.ge_u (local.get $k) (local.get $hi)))
                (local.set $a (i32.add (local.get $g)
                  (i32.shl (i32.load (i32.add (local.get $ci) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
                  (f64.mul (local.get $c) (f64.load (i32.add (local.get $vals) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $snext)))))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $rows)))
    (local.get $sum))
)
