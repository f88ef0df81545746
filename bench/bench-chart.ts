import { writeFileSync } from "node:fs";
import { PNG } from "pngjs";

export interface Bar {
  label: string;
  value: number;
}

// A 5×7 pixel font for the few characters the chart needs (labels are upper-cased).
const GLYPHS: Record<string, string> = {
  A: "01110100011000111111100011000110001", B: "11110100011000111110100011000111110", C: "01110100011000010000100001000101110",
  D: "11110100011000110001100011000111110", E: "11111100001000011110100001000011111", F: "11111100001000011110100001000010000",
  G: "01110100011000010111100011000101111", H: "10001100011000111111100011000110001", I: "01110001000010000100001000010001110",
  J: "00111000100001000010000101001001100", K: "10001100101010011000101001001010001", L: "10000100001000010000100001000011111",
  M: "10001110111010110101100011000110001", N: "10001110011010110011100011000110001", O: "01110100011000110001100011000101110",
  P: "11110100011000111110100001000010000", Q: "01110100011000110001101011001001101", R: "11110100011000111110101001001010001",
  S: "01111100001000001110000010000111110", T: "11111001000010000100001000010000100", U: "10001100011000110001100011000101110",
  V: "10001100011000110001100010101000100", W: "10001100011000110101101011010101010", X: "10001100010101000100010101000110001",
  Y: "10001100010101000100001000010000100", Z: "11111000010001000100010001000011111",
  "0": "01110100011001110101110011000101110", "1": "00100011000010000100001000010001110", "2": "01110100010000100010001000100011111",
  "3": "11111000100010000010000011000101110", "4": "00010001100101010010111110001000010", "5": "11111100001111000001000011000101110",
  "6": "00110010001000011110100011000101110", "7": "11111000010001000100010000100001000", "8": "01110100011000101110100011000101110",
  "9": "01110100011000101111000010001001100", " ": "00000000000000000000000000000000000", ".": "00000000000000000000000000110001100",
  "/": "00001000010001000100010001000010000", "-": "00000000000000011111000000000000000", "(": "00010001000100001000010000010000010",
  ")": "01000001000001000010000100010001000", ":": "00000011000110000000011000110000000", ",": "00000000000000000000001100010001000",
};

const SCALE = 2;
const GLYPH_WIDTH = 6 * SCALE;

function fill(png: PNG, x0: number, y0: number, width: number, height: number, [r, g, b]: [number, number, number]): void {
  for (let y = Math.max(0, y0); y < Math.min(png.height, y0 + height); y++) {
    for (let x = Math.max(0, x0); x < Math.min(png.width, x0 + width); x++) {
      const at = (png.width * y + x) << 2;
      png.data[at] = r;
      png.data[at + 1] = g;
      png.data[at + 2] = b;
      png.data[at + 3] = 255;
    }
  }
}

function text(png: PNG, x: number, y: number, value: string, color: [number, number, number]): void {
  [...value.toUpperCase()].forEach((char, index) => {
    const glyph = GLYPHS[char] ?? GLYPHS[" "];
    for (let bit = 0; bit < 35; bit++) {
      if (glyph[bit] === "1") fill(png, x + index * GLYPH_WIDTH + (bit % 5) * SCALE, y + Math.floor(bit / 5) * SCALE, SCALE, SCALE, color);
    }
  });
}

/** Horizontal bars, one per row, labelled with the row's name and its value: drawn pixel by pixel with pngjs. */
export function writeBarChart(path: string, title: string, bars: Bar[], unit: string): void {
  const labelWidth = Math.max(...bars.map(bar => bar.label.length)) * GLYPH_WIDTH + 20;
  const barArea = 420;
  const rowHeight = 40;
  const png = new PNG({ width: labelWidth + barArea + 140, height: 50 + bars.length * rowHeight + 10 });
  fill(png, 0, 0, png.width, png.height, [255, 255, 255]);
  text(png, 10, 12, title, [20, 20, 20]);
  const max = Math.max(...bars.map(bar => bar.value), 1);
  const colors: Array<[number, number, number]> = [[38, 110, 200], [120, 160, 210], [210, 90, 70], [120, 120, 120]];
  bars.forEach((bar, index) => {
    const y = 50 + index * rowHeight;
    text(png, 10, y + 6, bar.label, [40, 40, 40]);
    const length = Math.max(1, Math.round((bar.value / max) * barArea));
    fill(png, labelWidth, y, length, rowHeight - 12, colors[index % colors.length]);
    text(png, labelWidth + length + 8, y + 6, `${Math.round(bar.value)} ${unit}`, [40, 40, 40]);
  });
  writeFileSync(path, PNG.sync.write(png));
}
