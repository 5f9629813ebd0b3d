// The entry for Node (the "node" export condition): the same API as index.ts, and the compiled
// backend of @nablajs/native chosen by default when its addon loads. Browser bundles resolve the
// default entry and never see this file or the addon.
import { loadNative } from "@nablajs/native";
import { chooseBackend } from "./backend/choose.js";
import { jsBackend } from "./backend/js/index.js";
import { createNativeBackend } from "./backend/native/index.js";

export * from "./index.js";

chooseBackend("native", () => {
  const r = loadNative();
  if (r.addon === null) return r.error;
  return createNativeBackend(r.addon, jsBackend);
});
