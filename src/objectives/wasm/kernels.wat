;; optlab's WebAssembly kernels (compiled by scripts/build-wasm.mjs into kernels.generated.ts).
;;
;; The module holds the three passes of a value-and-gradient evaluation over a tile of rows, written out by
;; scripts/wasm-passes.mjs and appended below at build time (WAT has no macros; each pass exists for several
;; index widths, and for binary or valued data):
;;   rowsZ_<W>_<B>     z = A_tile x (gathers, 4 independent partial sums), for a tile or a mini-batch
;;   lossLsq, lossLog  a branch-free f64x2 pass over the margins: Σ ℓ(z, y) and c = scale·ℓ'(z, y), with
;;                     exp (Cody–Waite, minimax degree 11, 2^k from bits) and log1p (fdlibm's polynomial)
;;                     computed here, not imported: no engine function, the same bits on every engine
;;   cscG_<R>_<B>      g += A_tileᵀ c through the tile's CSC copy of the pattern (gathers, no scatter)
;;   scatterG_<W>_<B>  g += A_Bᵀ c row by row, for mini-batches
;; The data layout and the driver are in layout.ts; the JavaScript reference kernels (../kernels.ts) are
;; the oracle the tests hold these to (1e-13 relative), and the fallback where WebAssembly SIMD is missing.
;;
;; All pointers are byte offsets into the module's memory. Bytes 16 up to KERNELS_X_BASE hold the SIMD
;; constants (a data segment); x, the point, sits at KERNELS_X_BASE.
(module
  (import "env" "memory" (memory 1))
)
