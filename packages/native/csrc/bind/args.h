// The argument unwrapping shared by the Node-API functions of bind/*.cc: the TypeError
// "fn: what", numbers, integers, booleans and typed arrays read with their messages, the Args of
// the typed-array calls (recurrent, attention) and the export of a file's functions.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <vector>

namespace nabla::bind {

// Throws the TypeError "fn: what" (what formatted from `format`); false, so that a check can
// `return fail(...)`.
template <class... A>
bool fail(napi_env env, const char* fn, const char* format, A... values) {
  char what[200], msg[256];
  std::snprintf(what, sizeof what, format, values...);
  std::snprintf(msg, sizeof msg, "%s: %s", fn, what);
  napi_throw_type_error(env, nullptr, msg);
  return false;
}

// Throws the TypeError `msg` as it is; returns nullptr (a callback's result).
inline napi_value throwTypeError(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, msg);
  return nullptr;
}

inline bool getNumber(napi_env env, const char* fn, const char* name, napi_value v, double* out) {
  return napi_get_value_double(env, v, out) == napi_ok || fail(env, fn, "%s must be a number", name);
}

inline bool getBool(napi_env env, const char* fn, const char* name, napi_value v, bool* out) {
  return napi_get_value_bool(env, v, out) == napi_ok || fail(env, fn, "%s must be a boolean", name);
}

inline bool isUndefined(napi_env env, napi_value v) {
  napi_valuetype t = napi_null;
  napi_typeof(env, v, &t);
  return t == napi_undefined;
}

inline bool isNullish(napi_env env, napi_value v) {
  napi_valuetype t = napi_undefined;
  napi_typeof(env, v, &t);
  return t == napi_null || t == napi_undefined;
}

// A Float32Array or Float64Array: its type, data and length in elements.
inline bool getFloatArray(napi_env env, const char* fn, const char* name, napi_value v, napi_typedarray_type* type,
                          void** data, size_t* length) {
  // napi_invalid_arg when v is not a typed array
  if (napi_get_typedarray_info(env, v, type, length, data, nullptr, nullptr) == napi_ok &&
      (*type == napi_float32_array || *type == napi_float64_array))
    return true;
  return fail(env, fn, "%s must be a Float32Array or a Float64Array", name);
}

// The arguments of one call of a typed-array function: the first failure throws and turns every
// later read into a no-op (ok() false), so a call reads all its arguments, then checks ok() once.
// Every array read is remembered for the overlap check.
class Args {
 public:
  Args(napi_env env, napi_callback_info info, const char* fn, size_t n) : env_(env), fn_(fn), argv_(n) {
    size_t argc = n;
    napi_get_cb_info(env, info, &argc, argv_.data(), nullptr, nullptr);
    if (argc < n) fail("expected %zu arguments (got %zu)", n, argc);
  }

  bool ok() const { return ok_; }
  napi_env env() const { return env_; }
  napi_value operator[](size_t i) const { return argv_[i]; }

  template <class... A>
  void fail(const char* format, A... values) {
    if (!ok_) return;
    ok_ = false;
    bind::fail(env_, fn_, format, values...);
  }

  double number(size_t i, const char* name) {
    double d = 0;
    if (ok_ && !getNumber(env_, fn_, name, argv_[i], &d)) ok_ = false;
    return d;
  }

  // An integer in [lo, 2^31): anything else, a non-number included, "must be an integer >= lo".
  int dim(size_t i, const char* name, int lo) {
    double d = 0;
    if (ok_ && (napi_get_value_double(env_, argv_[i], &d) != napi_ok || !(d >= lo && d <= 2147483647.0) ||
                std::floor(d) != d))
      fail("%s must be an integer >= %d (got %.17g)", name, lo, d);
    return ok_ ? int(d) : 0;
  }

  // As dim, but a non-number "must be a number".
  int numberDim(size_t i, const char* name, int lo) {
    const double d = number(i, name);
    if (ok_ && (!(d >= lo && d <= 2147483647.0) || std::floor(d) != d))
      fail("%s must be an integer >= %d (got %.17g)", name, lo, d);
    return ok_ ? int(d) : 0;
  }

  bool flag(size_t i, const char* name) {
    bool b = false;
    if (ok_ && !getBool(env_, fn_, name, argv_[i], &b)) ok_ = false;
    return b;
  }

  bool isNull(size_t i) const { return isNullish(env_, argv_[i]); }

  // The dtype of the float array at i (it must be one): fixes the dtype of the call; true for
  // float32.
  bool setDtype(size_t i, const char* name) {
    if (!ok_) return false;
    bool is = false;
    napi_typedarray_type t = napi_int8_array;
    napi_is_typedarray(env_, argv_[i], &is);
    if (is) napi_get_typedarray_info(env_, argv_[i], &t, nullptr, nullptr, nullptr, nullptr);
    if (t != napi_float32_array && t != napi_float64_array)
      return fail("%s must be a Float32Array or a Float64Array", name), false;
    dtype_ = t;
    return t == napi_float32_array;
  }

  // The float array of role `name`: the call's dtype and exactly `length` elements (any length
  // when length < 0; `got` receives it), or null when `optional` and null/undefined was passed.
  // `output`: the kernel writes it (checkOverlaps).
  template <class T>
  T* floats(size_t i, const char* name, ptrdiff_t length, bool optional, bool output, size_t* got = nullptr) {
    if (!ok_) return nullptr;
    if (isNull(i)) {
      if (!optional) fail("%s must be a %s", name, dtypeName());
      return nullptr;
    }
    size_t n = 0;
    void* data = typed(i, name, dtype_, dtype_ == napi_float32_array ? "a Float32Array" : "a Float64Array", &n);
    if (ok_ && length >= 0 && n != size_t(length)) fail("%s must have %zu elements (got %zu)", name, size_t(length), n);
    if (!ok_) return nullptr;
    if (got) *got = n;
    held_.push_back({name, static_cast<const char*>(data), n * sizeof(T), output});
    return static_cast<T*>(data);
  }

  // An array that must be null at i (it has no meaning for this call: `why`).
  void none(size_t i, const char* name, const char* why) {
    if (ok_ && !isNull(i)) fail("%s must be null %s", name, why);
  }

  // The typed array at i, which must be of type `want` ("name must be <wantName>" if not).
  void* typed(size_t i, const char* name, napi_typedarray_type want, const char* wantName, size_t* length) {
    bool is = false;
    napi_typedarray_type t = napi_int8_array;
    void* data = nullptr;
    napi_value buffer;
    size_t offset;
    napi_is_typedarray(env_, argv_[i], &is);
    if (is) napi_get_typedarray_info(env_, argv_[i], &t, length, &data, &buffer, &offset);
    if (!is || t != want) fail("%s must be %s", name, wantName);
    return data;
  }

  // No output may share a byte with any other array.
  void checkOverlaps() {
    for (const Held& o : held_) {
      if (!ok_ || !o.output || o.bytes == 0) continue;
      for (const Held& a : held_)
        if (&a != &o && a.bytes > 0 && o.data < a.data + a.bytes && a.data < o.data + o.bytes)
          return fail("%s overlaps %s", o.name, a.name);
    }
  }

 private:
  const char* dtypeName() const { return dtype_ == napi_float32_array ? "Float32Array" : "Float64Array"; }

  struct Held {
    const char* name;
    const char* data;
    size_t bytes;
    bool output;
  };
  napi_env env_;
  const char* fn_;
  std::vector<napi_value> argv_;
  bool ok_ = true;
  napi_typedarray_type dtype_ = napi_float32_array;
  std::vector<Held> held_;
};

// A function of the addon's exports.
struct Function {
  const char* name;
  napi_callback cb;
};

// Adds each function to exports under its name.
template <size_t N>
void exportAll(napi_env env, napi_value exports, const Function (&fns)[N]) {
  for (const Function& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
}

}  // namespace nabla::bind
