import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { Bar, barChartSvg, writeBarChart } from "../../bench/bench-chart";

interface Image {
  width: number;
  height: number;
  /** RGBA, row by row. */
  rgba: Buffer;
}

/**
 * Reads the PNGs the chart writes (8-bit RGBA, not interlaced) without the renderer that
 * wrote them, so that a file nothing else could open does not pass.
 */
function readPng(file: string): Image {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
      expect([body[8], body[9], body[12]]).toEqual([8, 6, 0]); // bit depth, RGBA, not interlaced
    }
    if (type === "IDAT") data.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 4;
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= 4 ? rgba[y * stride + x - 4] : 0;
      const up = y > 0 ? rgba[(y - 1) * stride + x] : 0;
      const upLeft = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0;
      const predictor = filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : filter === 4 ? paeth(left, up, upLeft) : 0;
      rgba[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

function paeth(left: number, up: number, upLeft: number): number {
  const guess = left + up - upLeft;
  const [toLeft, toUp, toUpLeft] = [Math.abs(guess - left), Math.abs(guess - up), Math.abs(guess - upLeft)];
  return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
}

const BAR_COLOR = [0x26, 0x6e, 0xc8];
const channel = (image: Image, x: number, y: number, index: number) => image.rgba[(y * image.width + x) * 4 + index];
const isBar = (image: Image, x: number, y: number) => BAR_COLOR.every((value, index) => channel(image, x, y, index) === value);
/** 0 for white, 1 for black: the darkest channel. */
const darkness = (image: Image, x: number, y: number) => 1 - Math.min(channel(image, x, y, 0), channel(image, x, y, 1), channel(image, x, y, 2)) / 255;

/** Darkness left of the bars, summed over each bar's rows: how much of its label was drawn. */
function labelInk(image: Image): number[] {
  const columnHasBar = (x: number) => Array.from({ length: image.height }, (_, y) => y).some(y => isBar(image, x, y));
  let barStart = 0;
  while (barStart < image.width && !columnHasBar(barStart)) barStart++;
  const rows: number[][] = [];
  for (let y = 0; y < image.height; y++) {
    if (!isBar(image, barStart + 2, y)) continue;
    const last = rows[rows.length - 1];
    if (last && last[last.length - 1] === y - 1) last.push(y);
    else rows.push([y]);
  }
  return rows.map(ys => {
    let ink = 0;
    for (const y of ys) for (let x = 0; x < barStart - 2; x++) ink += darkness(image, x, y);
    return ink;
  });
}

describe("the benchmark's bar chart", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "bench-chart-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const chart = (bars: Bar[]) => ({ title: "requests/s, page of 100", bars, unit: "req/s" });
  const render = async (name: string, bars: Bar[]) => {
    const file = join(directory, `${name}.png`);
    await writeBarChart(file, chart(bars));
    return readPng(file);
  };

  it("writes a PNG that decodes to a chart-sized image", async () => {
    const image = await render("rows", [
      { label: "1 full gateway", value: 87.9 },
      { label: "2 no @pii enforcement, no audit", value: 236.4 },
      { label: "4 floor: bare node:http + driver (×2)", value: 160.3 },
    ]);
    expect(image.width).toBeGreaterThan(400);
    expect(image.width).toBeLessThan(4000);
    expect(image.height).toBeGreaterThan(150);
    expect(image.height).toBeLessThan(2000);
    expect(labelInk(image)).toHaveLength(3);
  });

  it("draws @ and + in the labels: each label's region has ink, and more than with a space in their place", async () => {
    const [at, plus] = labelInk(await render("symbols", [{ label: "a@b", value: 10 }, { label: "c+d", value: 20 }]));
    const [atSpace, plusSpace] = labelInk(await render("spaces", [{ label: "a b", value: 10 }, { label: "c d", value: 20 }]));
    // "a" and "b" alone leave ink: the label is drawn at all, with or without the symbol.
    // Measured: about 150 and 130 for the letters, 140 more for "@" and 37 more for "+".
    expect(atSpace).toBeGreaterThan(50);
    expect(plusSpace).toBeGreaterThan(50);
    expect(at - atSpace).toBeGreaterThan(60);
    expect(plus - plusSpace).toBeGreaterThan(15);
  });

  it("keeps every label, value and the title as text in the SVG", async () => {
    const svg = await barChartSvg(chart([{ label: "a@b + c/d (×2)", value: 9.6 }, { label: "e & <f>", value: 20 }]));
    expect(svg).toContain(">a@b + c/d (×2)</text>");
    expect(svg).toContain(">e &amp; &lt;f&gt;</text>");
    expect(svg).toContain(">10 req/s</text>");
    expect(svg).toContain(">20 req/s</text>");
    expect(svg).toContain(">requests/s, page of 100</text>");
  });
});
