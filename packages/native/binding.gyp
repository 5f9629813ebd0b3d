{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "csrc"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
    "cflags": ["-fPIC", "-O3", "-fno-math-errno", "-fno-trapping-math"],
    "cflags_cc": ["-std=c++17", "-fno-exceptions"],
    "cflags_cc!": ["-fno-rtti", "-std=gnu++17"]
  },
  "targets": [
    {
      "target_name": "isa_avx512",
      "type": "static_library",
      "sources": ["<!@(node scripts/sources.mjs csrc/avx512)"],
      "cflags": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mfma", "-mavx2"]
    },
    {
      "target_name": "isa_avx2",
      "type": "static_library",
      "sources": ["<!@(node scripts/sources.mjs csrc/avx2)"],
      "cflags": ["-mavx2", "-mfma"]
    },
    {
      "target_name": "nabla_native",
      "dependencies": ["isa_avx512", "isa_avx2"],
      "sources": ["<!@(node scripts/sources.mjs csrc csrc/gemm csrc/bind csrc/elementwise csrc/recurrent csrc/attention)"],
      "libraries": ["-lpthread"]
    }
  ]
}
