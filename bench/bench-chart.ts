import { writeFileSync } from "node:fs";
import { Resvg, ResvgRenderOptions } from "@resvg/resvg-js";
import * as vega from "vega";
import { TopLevelSpec, compile } from "vega-lite";

// Vega 5 and Vega-Lite 5, not 6: version 6 ships only ES modules, and Vega's awaits a
// module at top level, which neither this CommonJS project nor Jest can require().

export interface Bar {
  /** Unique within a chart: the axis draws one band per distinct label. */
  label: string;
  value: number;
}

export interface BarChart {
  title: string;
  bars: Bar[];
  /** Printed after each rounded value, e.g. "req/s". */
  unit: string;
}

// The font comes from a package in package-lock.json, never from the machine: the machines
// and CI have no guaranteed system fonts, and a chart must not change with the fonts installed.
const FONT_FAMILY = "Source Sans 3";
const FONT_FILES = ["Regular", "Bold"].map(weight => require.resolve(`source-sans/TTF/SourceSans3-${weight}.ttf`));
const FONT: ResvgRenderOptions["font"] = {
  fontFiles: FONT_FILES,
  loadSystemFonts: false,
  defaultFontFamily: FONT_FAMILY,
  sansSerifFamily: FONT_FAMILY,
};
/** Pixels of PNG per pixel of SVG. */
const PNG_ZOOM = 2;

/** Horizontal bars in the rows' order, each labelled with its name and its rounded value. */
export function barChartSpec(chart: BarChart): TopLevelSpec {
  return {
    title: { text: chart.title, anchor: "start", fontSize: 15 },
    width: 420,
    height: { step: 30 },
    data: { values: chart.bars.map(bar => ({ label: bar.label, value: bar.value, valueText: `${Math.round(bar.value)} ${chart.unit}` })) },
    encoding: {
      y: { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 0, labelFontSize: 13, labelPadding: 6, ticks: false, domain: false } },
      x: { field: "value", type: "quantitative", title: chart.unit, axis: { labelFontSize: 11, titleFontSize: 12 } },
    },
    layer: [
      { mark: { type: "bar", color: "#266ec8" } },
      { mark: { type: "text", align: "left", dx: 5, fontSize: 13 }, encoding: { text: { field: "valueText" } } },
    ],
    padding: 10,
    config: { font: FONT_FAMILY, background: "white", view: { stroke: null } },
  };
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

/**
 * Vega lays labels out by their width; without a canvas package it guesses 0.8 em a
 * character, which leaves wide gaps. Measure them with the font the PNG is drawn in.
 */
function measureWithChartFont(item: TextItem, text?: unknown): number {
  const value = String(text ?? item.text ?? "").trim();
  if (!value) return 0;
  const escaped = value.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="100"><text x="0" y="50" font-family="${FONT_FAMILY}" ` +
    `font-size="${item.fontSize ?? 11}" font-weight="${item.fontWeight ?? "normal"}">${escaped}</text></svg>`;
  const box = new Resvg(svg, { font: FONT }).getBBox();
  return box ? box.x + box.width : 0;
}

export async function barChartSvg(chart: BarChart): Promise<string> {
  // Exported at run time (from vega-scenegraph) but missing from vega's type declarations.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
  const guess = metrics.width;
  metrics.width = measureWithChartFont;
  const view = new vega.View(vega.parse(compile(barChartSpec(chart)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
    metrics.width = guess;
  }
}

/** Writes the chart as a PNG at `path`, drawn from its SVG with the bundled font. */
export async function writeBarChart(path: string, chart: BarChart): Promise<void> {
  const png = new Resvg(await barChartSvg(chart), { font: FONT, fitTo: { mode: "zoom", value: PNG_ZOOM } }).render().asPng();
  writeFileSync(path, png);
}
