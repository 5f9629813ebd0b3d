export { type InitOptions, normal, uniform } from "./init.js";
export { type LoadResult, Module, type StateDict } from "./module.js";
