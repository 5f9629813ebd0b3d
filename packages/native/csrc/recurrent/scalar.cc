// The portable step kernels: plain loops with the C library's exp and tanh, one batch row at a
// time. They run where neither AVX2 nor AVX-512 is available, and they are the reference the
// vector kernels (recurrent/simd/) are written after: the same formulas, one value at a time.
#include <algorithm>
#include <cmath>

#include "recurrent/kernels.h"

namespace nabla::rec::scalar {
namespace {

constexpr int kUnits = 8;  // hidden units per block

template <class T>
T sigmoid(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

bool validAt(const int32_t* lengths, int b, int t) { return lengths == nullptr || t < lengths[b]; }

// rec[c] = sum_p a[p] * panel[p * cols + c] for c < cols: one batch row times a packed block.
template <class T>
void rowTimesPanel(int k, const T* a, const T* panel, int cols, T* rec) {
  std::fill(rec, rec + cols, T(0));
  for (int p = 0; p < k; ++p, panel += cols)
    for (int c = 0; c < cols; ++c) rec[c] += a[p] * panel[c];
}

// Units [j0, j0 + n) of batch row b; rec[q * ld + u] is gate q's recurrent product of unit j0 + u.
template <class T, Kind K>
void forwardCells(const ForwardStep<T>& s, const T* rec, int ld, int b, int j0, int n) {
  constexpr int G = gatesOf(K);
  const int H = s.H;
  const bool valid = validAt(s.lengths, b, s.t);
  T* g = s.gates + b * G * H;
  for (int u = 0; u < n; ++u) {
    const int j = j0 + u, k = b * H + j;
    const T hp = s.hprev[k];
    T h;
    if constexpr (K == Kind::Lstm) {
      T pre[4];
      for (int q = 0; q < 4; ++q) pre[q] = g[q * H + j] + rec[q * ld + u] + (s.bx ? s.bx[q * H + j] : T(0));
      // c_t = f c_{t-1} + i g, h_t = o tanh(c_t)
      const T i = sigmoid(pre[0]), f = sigmoid(pre[1]), gg = std::tanh(pre[2]), o = sigmoid(pre[3]);
      g[j] = i, g[H + j] = f, g[2 * H + j] = gg, g[3 * H + j] = o;
      const T cp = s.cprev[k];
      const T c = valid ? f * cp + i * gg : cp;
      const T tc = std::tanh(c);
      s.cnext[k] = c;
      s.tc[k] = tc;
      h = o * tc;
    } else if constexpr (K == Kind::Gru) {
      T x[3], hh[3];
      for (int q = 0; q < 3; ++q) {
        x[q] = g[q * H + j] + (s.bx ? s.bx[q * H + j] : T(0));
        hh[q] = rec[q * ld + u] + (s.bh ? s.bh[q * H + j] : T(0));
      }
      // r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r h_n), h_t = (1 - z) n + z h_{t-1}
      const T r = sigmoid(x[0] + hh[0]), z = sigmoid(x[1] + hh[1]), nn = std::tanh(x[2] + r * hh[2]);
      g[j] = r, g[H + j] = z, g[2 * H + j] = nn;
      s.hnew[k] = hh[2];
      h = (T(1) - z) * nn + z * hp;
    } else {
      const T v = g[j] + rec[u] + (s.bx ? s.bx[j] : T(0));
      h = K == Kind::RnnTanh ? std::tanh(v) : (v < 0 ? T(0) : v);  // NaN stays NaN, as torch.relu
      g[j] = h;
    }
    s.hnext[k] = valid ? h : hp;
    s.y[k] = valid ? h : T(0);
  }
}

template <class T, Kind K>
void forwardBlock(const ForwardStep<T>& s, const T* panel, int j0) {
  constexpr int G = gatesOf(K), U = kUnits;
  T rec[G * U];
  for (int b = 0; b < s.B; ++b) {
    rowTimesPanel(s.H, s.hprev + b * s.H, panel, G * U, rec);
    forwardCells<T, K>(s, rec, U, b, j0, std::min(U, s.H - j0));
  }
}

template <class T, Kind K>
void forwardRows(const ForwardStep<T>& s, const T* rec) {
  for (int b = 0; b < s.B; ++b) forwardCells<T, K>(s, rec + b * gatesOf(K) * s.H, s.H, b, 0, s.H);
}

// out[g] = sum_p a[p] w[g ldw + p] for g < n, p < k.
template <class T>
void rowTimesRows(int n, int k, const T* a, const T* w, ptrdiff_t ldw, T* out) {
  for (int g = 0; g < n; ++g, w += ldw) {
    T sum = 0;
    for (int p = 0; p < k; ++p) sum += a[p] * w[p];
    out[g] = sum;
  }
}

template <class T, Kind K>
void backwardBlock(const BackwardStep<T>& s, const T* panel, int j0) {
  constexpr int G = gatesOf(K), U = kUnits;
  const int H = s.H, n = std::min(U, H - j0);
  T prod[U] = {}, sx[G * U] = {}, sh[G * U] = {};
  for (int b = 0; b < s.B; ++b) {
    if (s.dgPrev) rowTimesPanel(G * H, s.dgPrev + b * G * H, panel, U, prod);
    const bool valid = s.step && validAt(s.lengths, b, s.t);
    const T* g = s.gates + b * G * H;
    T* dg = s.dg + b * G * H;
    for (int u = 0; u < n; ++u) {
      const int j = j0 + u, k = b * H + j;
      const T dh = s.dhs[k] + prod[u];
      if (!valid) {  // a padded step passes dh (and dc) through
        s.dhs[k] = dh;
        if (!s.step) continue;
        for (int q = 0; q < G; ++q) dg[q * H + j] = T(0);
        if (K == Kind::Gru) s.dgn[k] = T(0);
        continue;
      }
      const T dht = dh + s.dy[k];
      T d[G];
      if constexpr (K == Kind::Lstm) {
        const T i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j], tc = s.tc[k];
        // dc_t gathers the path through h_t = o tanh(c_t) and the one from c_{t+1}.
        const T dct = s.dc[k] + dht * o * (T(1) - tc * tc);
        d[0] = dct * gg * i * (T(1) - i);
        d[1] = dct * s.cprev[k] * f * (T(1) - f);
        d[2] = dct * i * (T(1) - gg * gg);
        d[3] = dht * tc * o * (T(1) - o);
        s.dc[k] = dct * f;
        s.dhs[k] = T(0);
      } else if constexpr (K == Kind::Gru) {
        const T r = g[j], z = g[H + j], nn = g[2 * H + j];
        const T dn = dht * (T(1) - z) * (T(1) - nn * nn);
        d[0] = dn * s.hnew[k] * r * (T(1) - r);
        d[1] = dht * (s.hprev[k] - nn) * z * (T(1) - z);
        d[2] = dn * r;  // the hidden side: n = tanh(x_n + r (W_hn h + b_hn))
        s.dgn[k] = dn;
        sx[2 * U + u] += dn;
        sx[u] += d[0], sx[U + u] += d[1];
        s.dhs[k] = dht * z;
      } else {
        const T h = g[j];
        // d tanh = 1 - tanh^2; d relu = [h > 0]
        d[0] = dht * (K == Kind::RnnTanh ? T(1) - h * h : (h > 0 ? T(1) : T(0)));
        s.dhs[k] = T(0);
      }
      for (int q = 0; q < G; ++q) {
        dg[q * H + j] = d[q];
        if (K != Kind::Gru) sx[q * U + u] += d[q];
        else sh[q * U + u] += d[q];
      }
    }
  }
  for (int q = 0; q < G; ++q)
    for (int u = 0; u < n; ++u) {
      if (s.dbx) s.dbx[q * H + j0 + u] += sx[q * U + u];
      if (K == Kind::Gru && s.dbh) s.dbh[q * H + j0 + u] += sh[q * U + u];
    }
}

template <class T, Kind K>
void backwardInput(const BackwardStep<T>& s, const T* panel, int j0) {
  constexpr int G = gatesOf(K), U = kUnits;
  if (!s.dgPrev) return;
  const int H = s.H, n = std::min(U, s.I - j0);
  T dx[U], dn[U];
  for (int b = 0; b < s.B; ++b) {
    if (K == Kind::Gru) {  // dG_i: r and z as on the hidden side, n without the factor r
      rowTimesPanel(2 * H, s.dgPrev + b * G * H, panel, U, dx);
      rowTimesPanel(H, s.dgnPrev + b * H, panel + 2 * H * U, U, dn);
      for (int u = 0; u < U; ++u) dx[u] += dn[u];
    } else {
      rowTimesPanel(G * H, s.dgPrev + b * G * H, panel, U, dx);
    }
    for (int u = 0; u < n; ++u) s.dxPrev[b * s.I + j0 + u] = dx[u];
  }
}

template <class T>
constexpr RecurrentKernels<T> table() {
  return {"scalar",
          {kUnits, kUnits, kUnits, kUnits},
          kUnits,
          {forwardBlock<T, Kind::Lstm>, forwardBlock<T, Kind::Gru>, forwardBlock<T, Kind::RnnTanh>,
           forwardBlock<T, Kind::RnnRelu>},
          {backwardBlock<T, Kind::Lstm>, backwardBlock<T, Kind::Gru>, backwardBlock<T, Kind::RnnTanh>,
           backwardBlock<T, Kind::RnnRelu>},
          {backwardInput<T, Kind::Lstm>, backwardInput<T, Kind::Gru>, backwardInput<T, Kind::RnnTanh>,
           backwardInput<T, Kind::RnnRelu>},
          {forwardRows<T, Kind::Lstm>, forwardRows<T, Kind::Gru>, forwardRows<T, Kind::RnnTanh>,
           forwardRows<T, Kind::RnnRelu>},
          rowTimesRows<T>};
}

}  // namespace

const RecurrentKernels<float> kRecurrentF32 = table<float>();
const RecurrentKernels<double> kRecurrentF64 = table<double>();

}  // namespace nabla::rec::scalar
