// The kernel table of one instruction set (kernels.h) from the templates of this folder, given
// the most batch rows a tile holds for each product shape (what its register file allows):
//   RL  LSTM forward, 4 vectors per row (i, f, g, o of N units)
//   RG  GRU forward, 3 vectors per row (r, z, n)
//   RR  RNN forward, 2 vectors per row (2 N units)
//   RB  every backward, 2 vectors per row (dh of 2 N units)
#pragma once

#include "recurrent/simd/backward.h"
#include "recurrent/simd/forward.h"

namespace nabla::rec::NABLA_ISA {

template <class T, int RL, int RG, int RR, int RB>
constexpr RecurrentKernels<T> table(const char* isa) {
  constexpr int N = Vec<T>::N;
  return {isa,
          {N, N, 2 * N, 2 * N},
          2 * N,
          {forwardBlock<T, Kind::Lstm, RL, 1>, forwardBlock<T, Kind::Gru, RG, 1>,
           forwardBlock<T, Kind::RnnTanh, RR, 2>, forwardBlock<T, Kind::RnnRelu, RR, 2>},
          {backwardBlock<T, Kind::Lstm, RB, 2>, backwardBlock<T, Kind::Gru, RB, 2>,
           backwardBlock<T, Kind::RnnTanh, RB, 2>, backwardBlock<T, Kind::RnnRelu, RB, 2>},
          {backwardInput<T, Kind::Lstm, RB, 2>, backwardInput<T, Kind::Gru, RB, 2>,
           backwardInput<T, Kind::RnnTanh, RB, 2>, backwardInput<T, Kind::RnnRelu, RB, 2>},
          {forwardRows<T, Kind::Lstm>, forwardRows<T, Kind::Gru>, forwardRows<T, Kind::RnnTanh>,
           forwardRows<T, Kind::RnnRelu>},
          rowTimesRows<T>};
}

}  // namespace nabla::rec::NABLA_ISA
