// The reduction kernels of one instruction set: rows (reduce-rows.h) and columns (reduce-cols.h).
#pragma once
#include "elementwise/simd/reduce-cols.h"

namespace nabla::ew::NABLA_ISA {

template <class T>
void fillOrdered(Kernels& k, DType t) {
  k.reduceRow[kMax][t] = extremumRow<T, true, false>;
  k.reduceRow[kMin][t] = extremumRow<T, false, false>;
  k.reduceRow[kArgmax][t] = extremumRow<T, true, true>;
  k.reduceRow[kArgmin][t] = extremumRow<T, false, true>;
  k.reduceCol[kMax][t] = extremumCols<T, true>;
  k.reduceCol[kMin][t] = extremumCols<T, false>;
  k.reduceCol[kArgmax][t] = argCols<T, true>;
  k.reduceCol[kArgmin][t] = argCols<T, false>;
}

void fillReduce(Kernels& k) {
  k.reduceRow[kSum][F32] = sumRowF32;
  k.reduceRow[kSum][F64] = sumRowF64;
  k.reduceRow[kSum][I32] = sumRowI32;
  k.reduceCol[kSum][F32] = sumColsF32;
  k.reduceCol[kSum][F64] = sumColsF64;
  k.reduceCol[kSum][I32] = sumColsI32;
  fillOrdered<float>(k, F32);
  fillOrdered<double>(k, F64);
  fillOrdered<int32_t>(k, I32);
}

}  // namespace nabla::ew::NABLA_ISA
