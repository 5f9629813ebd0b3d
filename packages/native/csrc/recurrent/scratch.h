// Scratch memory of the calling thread for the drivers: one block, grown on demand and kept for
// the next call (the packed weights and dG of a sequence are reused step after step and call
// after call), carved into 64-byte aligned arrays.
#pragma once

#include <cstddef>
#include <cstdlib>

namespace nabla::rec {

// Bytes of n elements of T, rounded up to a cache line.
template <class T>
size_t lineBytes(size_t n) {
  return (n * sizeof(T) + 63) & ~size_t{63};
}

class Scratch {
 public:
  ~Scratch() { std::free(p_); }
  // At least `bytes`, 64-byte aligned; the contents are not kept.
  char* reserve(size_t bytes) {
    if (bytes > bytes_) {
      std::free(p_);
      bytes_ = (bytes + 63) & ~size_t{63};
      p_ = static_cast<char*>(std::aligned_alloc(64, bytes_));
    }
    return p_;
  }

 private:
  char* p_ = nullptr;
  size_t bytes_ = 0;
};

// The next n elements of T from the scratch cursor p.
template <class T>
T* carve(char*& p, size_t n) {
  T* out = reinterpret_cast<T*>(p);
  p += lineBytes<T>(n);
  return out;
}

}  // namespace nabla::rec
