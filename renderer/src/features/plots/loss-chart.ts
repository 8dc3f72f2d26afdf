/**
 * The loss/accuracy chart (Chart.js): training and validation loss on the left axis, accuracy on the
 * right, earlier runs dashed and faint. Built once per canvas; `update` swaps the data in place and
 * redraws without animation, so ten or more updates a second stay cheap.
 */
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { EpochPoint, HistorySnapshot } from '../../../../src-engine/protocol/api.ts';
import type { PastRun } from '../../lib/train-settings.ts';
import { seriesOf, type Key, type Xy } from './series.ts';
import { sig } from './format.ts';
import { context2d } from './context-2d.ts';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Tooltip,
  Legend,
  Decimation,
  Filler,
);

/** A min/max band's datasets carry this label prefix: left out of the legend and the tooltip. */
const BAND = '\u200bband ';

const SERIES: { key: Key; label: string; color: string; axis: 'y' | 'y1'; dash?: number[] }[] = [
  { key: 'loss', label: 'loss', color: '#2f6fde', axis: 'y' },
  { key: 'val_loss', label: 'val loss', color: '#e07b00', axis: 'y' },
  { key: 'accuracy', label: 'accuracy', color: '#2e9d57', axis: 'y1' },
  { key: 'val_accuracy', label: 'val accuracy', color: '#b5409e', axis: 'y1' },
];

/** Two datasets drawing the band between a series' bucket minima and maxima (the max fills down to the min). */
function band(label: string, b: { min: Xy[]; max: Xy[] }, color: string, axis: string): ChartDataset<'line', Xy[]>[] {
  const common = { yAxisID: axis, borderWidth: 0, pointRadius: 0, parsing: false, normalized: true };
  return [
    {
      ...common,
      label: `${BAND}${label} max`,
      data: b.max,
      borderColor: 'transparent',
      backgroundColor: `${color}33`,
      fill: '+1',
    },
    {
      ...common,
      label: `${BAND}${label} min`,
      data: b.min,
      borderColor: 'transparent',
      backgroundColor: 'transparent',
      fill: false,
    },
  ] as ChartDataset<'line', Xy[]>[];
}

function datasets(history: HistorySnapshot | null, past: readonly PastRun[]): ChartDataset<'line', Xy[]>[] {
  const out: ChartDataset<'line', Xy[]>[] = [];
  for (const s of SERIES) {
    const { line: data, band: b } = seriesOf(history, s.key);
    // Series without values (validation when none is held out, accuracy for regression) stay out of the legend.
    if (!data.length && s.key !== 'loss') continue;
    // Where a bucket covers several epochs, their spread shows as a faint band around the mean line.
    if (b) out.push(...band(s.label, b, s.color, s.axis));
    out.push({
      label: s.label,
      data,
      borderColor: s.color,
      backgroundColor: s.color,
      yAxisID: s.axis,
      borderWidth: 1.5,
      pointRadius: 0,
      parsing: false,
      normalized: true,
    } as ChartDataset<'line', Xy[]>);
  }
  // Earlier runs in their own colours: loss dashed, validation loss dotted.
  for (const run of past) {
    for (const s of SERIES.slice(0, 2)) {
      const data = seriesOf(run.history, s.key).line;
      if (!data.length) continue;
      out.push({
        label: `${s.label} (${run.label})`,
        data,
        borderColor: `${run.color}aa`,
        backgroundColor: `${run.color}aa`,
        yAxisID: s.axis,
        borderWidth: 1.2,
        borderDash: s.key === 'loss' ? [5, 3] : [1.5, 2.5],
        pointRadius: 0,
        parsing: false,
        normalized: true,
      } as ChartDataset<'line', Xy[]>);
    }
  }
  return out;
}

export interface LossChart {
  /** Draw the current run's history (null: none yet), its newest epoch, and the earlier runs. */
  update(history: HistorySnapshot | null, last: EpochPoint | null, past: readonly PastRun[], logScale: boolean): void;
  destroy(): void;
}

/** Create the chart on a canvas. */
export function createLossChart(canvas: HTMLCanvasElement, textColor: string): LossChart {
  const chart = new Chart<'line', Xy[]>(context2d(canvas), {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'epoch', color: textColor }, ticks: { color: textColor } },
        y: {
          type: 'linear',
          position: 'left',
          title: { display: true, text: 'loss', color: textColor },
          // Significant digits (a log axis otherwise labels 1e-9 as 0.0000000010).
          ticks: { color: textColor, callback: (v) => sig(Number(v), 3) },
        },
        y1: {
          type: 'linear',
          position: 'right',
          min: 0,
          max: 1,
          title: { display: true, text: 'accuracy', color: textColor },
          ticks: { color: textColor },
          grid: { drawOnChartArea: false },
        },
      },
      plugins: {
        legend: {
          labels: {
            color: textColor,
            boxWidth: 12,
            font: { size: 11 },
            filter: (item) => !item.text.startsWith(BAND),
          },
        },
        // The engine sends at most PROGRESS_POINTS buckets a series: nothing to decimate here.
        decimation: { enabled: false },
        tooltip: {
          filter: (c) => !(c.dataset.label ?? '').startsWith(BAND),
          callbacks: { label: (c) => `${c.dataset.label}: ${sig(c.parsed.y ?? 0)}` },
        },
      },
    },
  });
  return {
    update(history, last, past, logScale) {
      chart.data.datasets = datasets(history, past);
      const y = chart.options.scales!.y!;
      y.type = logScale ? 'logarithmic' : 'linear';
      // Regression has no accuracy: no empty axis for it.
      const accuracy = chart.data.datasets.some((d) => d.yAxisID === 'y1' && d.data.length > 0);
      chart.options.scales!.y1!.display = accuracy;
      canvas.dataset.accuracyAxis = String(accuracy);
      canvas.dataset.runs = String(past.length);
      chart.update('none');
      const loss = history?.series.loss;
      // For tests and the benchmark: buckets drawn, epochs per bucket, the last bucket's epoch, the losses.
      canvas.dataset.points = String(loss?.x.length ?? 0);
      canvas.dataset.stride = String(history?.stride ?? 1);
      canvas.dataset.lastEpoch = loss?.x.length ? String(loss.x.at(-1)) : '';
      canvas.dataset.bands = String(chart.data.datasets.filter((d) => d.label?.startsWith(BAND)).length / 2);
      canvas.dataset.updates = String(Number(canvas.dataset.updates ?? 0) + 1);
      canvas.dataset.firstLoss = loss?.y.length ? String(loss.y[0]) : '';
      canvas.dataset.lastLoss = last ? String(last.loss) : '';
    },
    destroy: () => chart.destroy(),
  };
}
