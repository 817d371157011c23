;; cruxnet explorer: the two loops of a contraction step, as WebAssembly with 128-bit SIMD
;; (two float64 lanes). Part of cruxnet (MIT). Assembled into kernels.wasm by
;; scripts/build_wasm.py; engine.js runs them and falls back to the same loops in plain
;; JavaScript where WebAssembly is missing. Lanes are independent draws and each lane does one
;; multiply then one add, in the same order as the JavaScript loop, so both give the same bits.
;;
;; Arrays are float64, entry-major and draw-minor; pointers are byte offsets into memory; a
;; map is an int32 array giving, for each entry u of a step's union of axes, the entry of an
;; operand (stride: draws per entry of that operand; offset: the first draw of this block).
(module
  (memory (export "memory") 1)

  ;; out[om[u]*bs + d] += A[ma[u]*sa + oa + d] * B[mb[u]*sb + ob + d]  for u < size, d < n
  (func (export "step2")
        (param $out i32) (param $A i32) (param $B i32)
        (param $om i32) (param $ma i32) (param $mb i32) (param $size i32) (param $n i32)
        (param $bs i32) (param $sa i32) (param $oa i32) (param $sb i32) (param $ob i32)
    (local $u i32) (local $po i32) (local $pa i32) (local $pb i32) (local $end i32)
    (local $end2 i32) (local $u4 i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $u) (local.get $size)))
        (local.set $u4 (i32.shl (local.get $u) (i32.const 2)))
        (local.set $po (i32.add (local.get $out) (i32.shl
          (i32.mul (i32.load (i32.add (local.get $om) (local.get $u4))) (local.get $bs))
          (i32.const 3))))
        (local.set $pa (i32.add (local.get $A) (i32.shl (i32.add
          (i32.mul (i32.load (i32.add (local.get $ma) (local.get $u4))) (local.get $sa))
          (local.get $oa)) (i32.const 3))))
        (local.set $pb (i32.add (local.get $B) (i32.shl (i32.add
          (i32.mul (i32.load (i32.add (local.get $mb) (local.get $u4))) (local.get $sb))
          (local.get $ob)) (i32.const 3))))
        (local.set $end (i32.add (local.get $po) (i32.shl (local.get $n) (i32.const 3))))
        (local.set $end2 (i32.sub (local.get $end) (i32.const 8)))
        (block $tail
          (loop $pair
            (br_if $tail (i32.ge_u (local.get $po) (local.get $end2)))
            (v128.store (local.get $po)
              (f64x2.add (v128.load (local.get $po))
                         (f64x2.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
            (local.set $po (i32.add (local.get $po) (i32.const 16)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
            (br $pair)))
        (if (i32.lt_u (local.get $po) (local.get $end))
          (then
            (f64.store (local.get $po)
              (f64.add (f64.load (local.get $po))
                       (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $each))))

  ;; out[om[u]*bs + d] += A[ma[u]*sa + oa + d]  for u < size, d < n  (a sum over one operand)
  (func (export "step1")
        (param $out i32) (param $A i32) (param $om i32) (param $ma i32) (param $size i32)
        (param $n i32) (param $bs i32) (param $sa i32) (param $oa i32)
    (local $u i32) (local $po i32) (local $pa i32) (local $end i32) (local $end2 i32)
    (local $u4 i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $u) (local.get $size)))
        (local.set $u4 (i32.shl (local.get $u) (i32.const 2)))
        (local.set $po (i32.add (local.get $out) (i32.shl
          (i32.mul (i32.load (i32.add (local.get $om) (local.get $u4))) (local.get $bs))
          (i32.const 3))))
        (local.set $pa (i32.add (local.get $A) (i32.shl (i32.add
          (i32.mul (i32.load (i32.add (local.get $ma) (local.get $u4))) (local.get $sa))
          (local.get $oa)) (i32.const 3))))
        (local.set $end (i32.add (local.get $po) (i32.shl (local.get $n) (i32.const 3))))
        (local.set $end2 (i32.sub (local.get $end) (i32.const 8)))
        (block $tail
          (loop $pair
            (br_if $tail (i32.ge_u (local.get $po) (local.get $end2)))
            (v128.store (local.get $po)
              (f64x2.add (v128.load (local.get $po)) (v128.load (local.get $pa))))
            (local.set $po (i32.add (local.get $po) (i32.const 16)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (br $pair)))
        (if (i32.lt_u (local.get $po) (local.get $end))
          (then
            (f64.store (local.get $po)
              (f64.add (f64.load (local.get $po)) (f64.load (local.get $pa))))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $each))))
)
