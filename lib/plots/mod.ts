/**
 * Plotly figures for results (learning curves, ROC, bars, boxes, heatmaps, the missing-modality
 * table, a slice viewer) and ways to show them: inline in Jupyter, as an HTML report, as PNG.
 *
 * @module
 */
export {
  type BarSeries,
  boxFigure,
  type BoxSeries,
  emaSmooth,
  fade,
  type Figure,
  heatmapFigure,
  learningCurves,
  PALETTE,
  perClassBars,
  type Run,
  type Trace,
} from "./figures.ts";
export { rocFigure, rocFigureMultiLabel, type RocInput } from "./roc.ts";
export { missingModalityFigure, subsetLabel } from "./missing.ts";
export {
  extractSlice,
  LABEL_COLORS,
  overlayRgba,
  type Slice2D,
  type SliceInput,
  slicePng,
  sliceViewer,
} from "./overlay.ts";
export {
  display,
  type DisplayOptions,
  figureDiv,
  injectPlotly,
  mimeBundle,
  PLOTLY_CDN,
  plotlyBundle,
  PlotlyBundleError,
  reportHtml,
  saveHtml,
} from "./display.ts";
