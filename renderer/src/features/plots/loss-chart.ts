/**
 * The loss/accuracy chart (Chart.js): training and validation loss on the left axis, accuracy on the
 * right, earlier runs dashed and faint. Built once per canvas; `update` swaps the data in place and
 * redraws without animation, so ten or more updates a second stay cheap.
 */
import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { EpochPoint } from '../../../../src-engine/protocol/api.ts';
import type { PastRun } from '../../lib/train-settings.ts';
import { seriesOf, type Key, type Xy } from './series.ts';
import { sig } from './format.ts';
import { context2d } from './context-2d.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation);

const SERIES: { key: Key; label: string; color: string; axis: 'y' | 'y1'; dash?: number[] }[] = [
  { key: 'loss', label: 'loss', color: '#2f6fde', axis: 'y' },
  { key: 'val_loss', label: 'val loss', color: '#e07b00', axis: 'y' },
  { key: 'accuracy', label: 'accuracy', color: '#2e9d57', axis: 'y1' },
  { key: 'val_accuracy', label: 'val accuracy', color: '#b5409e', axis: 'y1' },
];

function datasets(points: readonly EpochPoint[], past: readonly PastRun[]): ChartDataset<'line', Xy[]>[] {
  const out: ChartDataset<'line', Xy[]>[] = [];
  for (const s of SERIES) {
    const data = seriesOf(points, s.key);
    // Series without values (validation when none is held out, accuracy for regression) stay out of the legend.
    if (!data.length && s.key !== 'loss') continue;
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
      const data = seriesOf(run.points, s.key);
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
  update(points: readonly EpochPoint[], past: readonly PastRun[], logScale: boolean): void;
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
          ticks: { color: textColor },
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
        legend: { labels: { color: textColor, boxWidth: 12, font: { size: 11 } } },
        decimation: { enabled: true, algorithm: 'lttb', samples: 400 },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${sig(c.parsed.y ?? 0)}` } },
      },
    },
  });
  return {
    update(points, past, logScale) {
      chart.data.datasets = datasets(points, past);
      const y = chart.options.scales!.y!;
      y.type = logScale ? 'logarithmic' : 'linear';
      // Regression has no accuracy: no empty axis for it.
      const accuracy = chart.data.datasets.some((d) => d.yAxisID === 'y1' && d.data.length > 0);
      chart.options.scales!.y1!.display = accuracy;
      canvas.dataset.accuracyAxis = String(accuracy);
      canvas.dataset.runs = String(past.length);
      chart.update('none');
      const first = points[0];
      const last = points.at(-1);
      canvas.dataset.points = String(points.length);
      canvas.dataset.updates = String(Number(canvas.dataset.updates ?? 0) + 1);
      canvas.dataset.firstLoss = first ? String(first.loss) : '';
      canvas.dataset.lastLoss = last ? String(last.loss) : '';
    },
    destroy: () => chart.destroy(),
  };
}
