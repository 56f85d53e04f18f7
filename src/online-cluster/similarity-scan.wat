;; Dot products of one query against rows of unit vectors, with 128-bit SIMD.
;; Compiled into similarity-scan-wasm.ts (test/online-cluster/similarity-scan.test.ts checks that the
;; embedded bytes match this text). Addresses are byte offsets into the imported memory; a row is
;; `floats` f32 values, a multiple of 16, zero-padded past the embedding's dimension.
(module
  (import "env" "memory" (memory 1))

  ;; dot(a, b), four f32x4 accumulators to keep the adders busy.
  (func $dot (param $a i32) (param $b i32) (param $floats i32) (result f32)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $floats) (i32.const 2))))
    (loop $step
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
      (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
      (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 64)))
      (local.set $b (i32.add (local.get $b) (i32.const 64)))
      (br_if $step (i32.lt_u (local.get $a) (local.get $end))))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; Writes the slots in [first, end) whose row's dot with the query is >= min, and those dots, to
  ;; outSlots (i32) and outSims (f32); returns how many.
  (func (export "within")
    (param $query i32) (param $rows i32) (param $floats i32) (param $first i32) (param $end i32)
    (param $min f32) (param $outSlots i32) (param $outSims i32) (result i32)
    (local $slot i32) (local $row i32) (local $rowBytes i32) (local $sim f32) (local $found i32)
    (local.set $rowBytes (i32.shl (local.get $floats) (i32.const 2)))
    (local.set $slot (local.get $first))
    (local.set $row (i32.add (local.get $rows) (i32.mul (local.get $first) (local.get $rowBytes))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $slot) (local.get $end)))
        (local.set $sim (call $dot (local.get $query) (local.get $row) (local.get $floats)))
        (if (f32.ge (local.get $sim) (local.get $min))
          (then
            (i32.store (i32.add (local.get $outSlots) (i32.shl (local.get $found) (i32.const 2))) (local.get $slot))
            (f32.store (i32.add (local.get $outSims) (i32.shl (local.get $found) (i32.const 2))) (local.get $sim))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))))
        (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (br $next)))
    (local.get $found))

  ;; out[i] = dot(query, row of slots[i]) for i in [0, count).
  (func (export "dots")
    (param $query i32) (param $rows i32) (param $floats i32) (param $slots i32) (param $count i32) (param $out i32)
    (local $i i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $floats) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (call $dot
            (local.get $query)
            (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
            (local.get $floats)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
)
