// The Node-only entry (`@nablajs/nn/node`): file helpers that need node:fs. The main entry stays
// free of Node built-ins so it runs in browsers.
export { loadSafetensorsFile, saveSafetensorsFile } from "./safetensors/node.js";
