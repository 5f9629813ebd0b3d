import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tensor } from "@nablajs/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSafetensorsFile, saveSafetensorsFile } from "../node.js";
import { saveSafetensors } from "./save.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nabla-nn-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("safetensors files (node)", () => {
  it("writes the same bytes as saveSafetensors and reads them back", async () => {
    const tensors = {
      w: tensor([
        [1, 2],
        [3, 4],
      ]),
      step: tensor([7], { dtype: "int32" }),
    };
    const path = join(dir, "model.safetensors");
    await saveSafetensorsFile(path, tensors, { epoch: "3" });
    expect(new Uint8Array(await readFile(path))).toEqual(saveSafetensors(tensors, { epoch: "3" }));
    const back = await loadSafetensorsFile(path);
    expect(back.metadata).toEqual({ epoch: "3" });
    expect(back.tensors.w!.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(back.tensors.step!.toArray()).toEqual([7]);
  });

  it("replaces an existing file and leaves no temporary file behind", async () => {
    const path = join(dir, "replace.safetensors");
    await writeFile(path, "old contents");
    await saveSafetensorsFile(path, { x: tensor([1]) });
    expect((await loadSafetensorsFile(path)).tensors.x!.toArray()).toEqual([1]);
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("reports write failures without leaving a temporary file", async () => {
    const path = join(dir, "missing-dir", "model.safetensors");
    await expect(saveSafetensorsFile(path, { x: tensor([1]) })).rejects.toThrow(
      /^saveSafetensorsFile: cannot write .*missing-dir.*model\.safetensors: /,
    );
    await expect(saveSafetensorsFile(join(dir, "bad.safetensors"), { x: [1] as any })).rejects.toThrow(
      /saveSafetensors: 'x' is not a Tensor/,
    );
    expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("reports missing and malformed files with their path", async () => {
    await expect(loadSafetensorsFile(join(dir, "nope.safetensors"))).rejects.toThrow(
      /^loadSafetensorsFile: cannot read .*nope\.safetensors: /,
    );
    const bad = join(dir, "bad.safetensors");
    await writeFile(bad, new Uint8Array([1, 2, 3]));
    await expect(loadSafetensorsFile(bad)).rejects.toThrow(
      /^loadSafetensors: the file is 3 bytes.*\(in .*bad\.safetensors\)$/,
    );
  });

  it("rejects an empty or non-string path", async () => {
    await expect(saveSafetensorsFile("", {})).rejects.toThrow(
      /saveSafetensorsFile: path must be a non-empty string/,
    );
    await expect(loadSafetensorsFile(3 as any)).rejects.toThrow(
      /loadSafetensorsFile: path must be a non-empty string/,
    );
  });
});
