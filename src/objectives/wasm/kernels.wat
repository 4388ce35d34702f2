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
;; exp and log1p are computed here ($exp, $log1p below: instruction-for-instruction twins of exp and log1p
;; in src/math/elementary.ts, ports of fdlibm), not imported from the host: the engine's Math.exp differs
;; between engines (Chromium 156 and Node 20 round ~10 % of arguments differently), ours does not.
(module
  (import "env" "memory" (memory 1))

  ;; The high 32 bits of a double, and a double with its high 32 bits replaced.
  (func $high (param $x f64) (result i32)
    (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
  (func $withHigh (param $x f64) (param $hi i32) (result f64)
    (f64.reinterpret_i64 (i64.or
      (i64.and (i64.reinterpret_f64 (local.get $x)) (i64.const 0xffffffff))
      (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32)))))
  ;; 2^k for a biased exponent field e = 1023 + k in [1, 2046]
  (func $pow2 (param $hi i32) (result f64)
    (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32))))

  ;; e^x (fdlibm e_exp.c; error < 1 ulp): x = k ln2 + r, e^r = 1 + r + r c/(2 − c), times 2^k.
  (func $exp (param $x f64) (result f64)
    (local $bits i64) (local $hx i32) (local $xsb i32) (local $k i32)
    (local $hi f64) (local $lo f64) (local $t f64) (local $c f64) (local $y f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $hx (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
    (local.set $xsb (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    (if (i32.ge_u (local.get $hx) (i32.const 0x40862e42))
      (then
        (if (i32.ge_u (local.get $hx) (i32.const 0x7ff00000))
          (then
            (if (i32.or (i32.and (local.get $hx) (i32.const 0xfffff)) (i32.wrap_i64 (local.get $bits)))
              (then (return (f64.add (local.get $x) (local.get $x)))))
            (return (select (local.get $x) (f64.const 0) (i32.eqz (local.get $xsb))))))
        (if (f64.gt (local.get $x) (f64.const 0x1.62e42fefa39efp9)) (then (return (f64.const inf))))
        (if (f64.lt (local.get $x) (f64.const -0x1.74910d52d3051p9)) (then (return (f64.const 0))))))
    (if (i32.gt_u (local.get $hx) (i32.const 0x3fd62e42))
      (then
        (if (i32.lt_u (local.get $hx) (i32.const 0x3ff0a2b2))
          (then
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (f64.const 0x1.5bf0a8b145769p1))))
            (if (i32.eqz (local.get $xsb))
              (then
                (local.set $hi (f64.sub (local.get $x) (f64.const 0x1.62e42fee00000p-1)))
                (local.set $lo (f64.const 0x1.a39ef35793c76p-33))
                (local.set $k (i32.const 1)))
              (else
                (local.set $hi (f64.add (local.get $x) (f64.const 0x1.62e42fee00000p-1)))
                (local.set $lo (f64.const -0x1.a39ef35793c76p-33))
                (local.set $k (i32.const -1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add (f64.mul (f64.const 0x1.71547652b82fep0) (local.get $x))
              (select (f64.const 0.5) (f64.const -0.5) (i32.eqz (local.get $xsb))))))
            (local.set $t (f64.convert_i32_s (local.get $k)))
            (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (f64.const 0x1.62e42fee00000p-1))))
            (local.set $lo (f64.mul (local.get $t) (f64.const 0x1.a39ef35793c76p-33)))))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        (if (i32.lt_u (local.get $hx) (i32.const 0x3e300000))
          (then (return (f64.add (f64.const 1) (local.get $x)))))))
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (local.set $c (f64.sub (local.get $x) (f64.mul (local.get $t)
      (f64.add (f64.const 0x1.555555555553ep-3) (f64.mul (local.get $t)
      (f64.add (f64.const -0x1.6c16c16bebd93p-9) (f64.mul (local.get $t)
      (f64.add (f64.const 0x1.1566aaf25de2cp-14) (f64.mul (local.get $t)
      (f64.add (f64.const -0x1.bbd41c5d26bf1p-20) (f64.mul (local.get $t) (f64.const 0x1.6376972bea4d0p-25))))))))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (f64.const 1)
        (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2)))
          (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1)
      (f64.sub
        (f64.sub (local.get $lo) (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c))))
        (local.get $hi))))
    (if (i32.ge_s (local.get $k) (i32.const -1021))
      (then
        (if (i32.eq (local.get $k) (i32.const 1024))
          (then (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 0x1p1023)))))
        (return (f64.mul (local.get $y)
          (call $pow2 (i32.add (i32.const 0x3ff00000) (i32.shl (local.get $k) (i32.const 20))))))))
    (f64.mul
      (f64.mul (local.get $y)
        (call $pow2 (i32.add (i32.const 0x3ff00000) (i32.shl (i32.add (local.get $k) (i32.const 1000)) (i32.const 20)))))
      (f64.const 0x1p-1000)))

  ;; log(1 + x) (fdlibm s_log1p.c; error < 1 ulp): 1 + x = 2^k (1 + f), s = f/(2 + f), a degree-7 polynomial in s².
  (func $log1p (param $x f64) (result f64)
    (local $hx i32) (local $ax i32) (local $k i32) (local $hu i32)
    (local $f f64) (local $c f64) (local $u f64) (local $hfsq f64) (local $R f64) (local $s f64) (local $z f64)
    (local $dk f64)
    (local.set $hx (call $high (local.get $x)))
    (local.set $ax (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    (local.set $k (i32.const 1))
    (if (i32.lt_s (local.get $hx) (i32.const 0x3fda827a))
      (then
        (if (i32.ge_u (local.get $ax) (i32.const 0x3ff00000))
          (then
            (if (f64.eq (local.get $x) (f64.const -1)) (then (return (f64.const -inf))))
            (return (f64.const nan))))
        (if (i32.lt_u (local.get $ax) (i32.const 0x3e200000))
          (then
            (if (i32.lt_u (local.get $ax) (i32.const 0x3c900000)) (then (return (local.get $x))))
            (return (f64.sub (local.get $x) (f64.mul (f64.mul (local.get $x) (local.get $x)) (f64.const 0.5))))))
        (if (i32.or (i32.gt_s (local.get $hx) (i32.const 0)) (i32.le_s (local.get $hx) (i32.const 0xbfd2bec4)))
          (then
            (local.set $k (i32.const 0))
            (local.set $f (local.get $x))
            (local.set $hu (i32.const 1))))))
    (if (i32.ge_s (local.get $hx) (i32.const 0x7ff00000)) (then (return (f64.add (local.get $x) (local.get $x)))))
    (if (local.get $k)
      (then
        (if (i32.lt_s (local.get $hx) (i32.const 0x43400000))
          (then
            (local.set $u (f64.add (f64.const 1) (local.get $x)))
            (local.set $hu (call $high (local.get $u)))
            (local.set $k (i32.sub (i32.shr_s (local.get $hu) (i32.const 20)) (i32.const 1023)))
            (local.set $c (select
              (f64.sub (f64.const 1) (f64.sub (local.get $u) (local.get $x)))
              (f64.sub (local.get $x) (f64.sub (local.get $u) (f64.const 1)))
              (i32.gt_s (local.get $k) (i32.const 0))))
            (local.set $c (f64.div (local.get $c) (local.get $u))))
          (else
            (local.set $u (local.get $x))
            (local.set $hu (call $high (local.get $u)))
            (local.set $k (i32.sub (i32.shr_s (local.get $hu) (i32.const 20)) (i32.const 1023)))
            (local.set $c (f64.const 0))))
        (local.set $hu (i32.and (local.get $hu) (i32.const 0x000fffff)))
        (if (i32.lt_s (local.get $hu) (i32.const 0x6a09e))
          (then (local.set $u (call $withHigh (local.get $u) (i32.or (local.get $hu) (i32.const 0x3ff00000)))))
          (else
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $u (call $withHigh (local.get $u) (i32.or (local.get $hu) (i32.const 0x3fe00000))))
            (local.set $hu (i32.shr_s (i32.sub (i32.const 0x00100000) (local.get $hu)) (i32.const 2)))))
        (local.set $f (f64.sub (local.get $u) (f64.const 1)))))
    (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
    (local.set $dk (f64.convert_i32_s (local.get $k)))
    (if (i32.eqz (local.get $hu))
      (then
        (if (f64.eq (local.get $f) (f64.const 0))
          (then
            (if (i32.eqz (local.get $k)) (then (return (f64.const 0))))
            (local.set $c (f64.add (local.get $c) (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))))
            (return (f64.add (f64.mul (local.get $dk) (f64.const 0x1.62e42fee00000p-1)) (local.get $c)))))
        (local.set $R (f64.mul (local.get $hfsq)
          (f64.sub (f64.const 1) (f64.mul (f64.const 0x1.5555555555555p-1) (local.get $f)))))
        (if (i32.eqz (local.get $k)) (then (return (f64.sub (local.get $f) (local.get $R)))))
        (return (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42fee00000p-1))
          (f64.sub
            (f64.sub (local.get $R)
              (f64.add (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33)) (local.get $c)))
            (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $R (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.5555555555593p-1) (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.999999997fa04p-2) (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.2492494229359p-2) (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.c71c51d8e78afp-3) (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.7466496cb03dep-3) (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.39a09d078c69fp-3) (f64.mul (local.get $z) (f64.const 0x1.2f112df3e5244p-3)))))))))))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (local.get $f)
        (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R))))))))
    (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42fee00000p-1))
      (f64.sub
        (f64.sub (local.get $hfsq)
          (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $R)))
            (f64.add (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33)) (local.get $c))))
        (local.get $f))))

  ;; For tests: the functions above, exported.
  (func (export "exp") (param $x f64) (result f64) (call $exp (local.get $x)))
  (func (export "log1p") (param $x f64) (result f64) (call $log1p (local.get $x)))

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
