// `nabla/node`: the Node-only helpers of the packages (reading and writing files), so users of the
// umbrella need no scoped package for them. The main entry stays free of Node built-ins.
export { loadSafetensorsFile, saveSafetensorsFile } from "@nablajs/nn/node";
