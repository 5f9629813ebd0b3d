export {
  allClose,
  assertAllClose,
  type CloseOptions,
  type CloseReport,
  type Numeric,
  tolerances,
} from "./all-close.js";
export {
  type FixtureName,
  type FixtureTensor,
  fromFixture,
  isFixtureTensor,
  loadFixture,
} from "./fixtures.js";
export { rng } from "./rng.js";
