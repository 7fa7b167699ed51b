/** One scrape of `/metrics`, parsed. */
export interface MetricsScrape {
  text: string;
  /** The `# TYPE` of a metric family, if exported. */
  typeOf(name: string): string | undefined;
  /** Sum of the samples named `name` whose labels include `labels` (0 when none). */
  value(name: string, labels?: Record<string, string>): number;
}

function parseLabels(raw: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!raw) return labels;
  for (const match of raw.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1] as string] = match[2] as string;
  return labels;
}

/** GETs `http://127.0.0.1:<port>/metrics` and parses the Prometheus text. */
export async function scrapeMetrics(port: number): Promise<MetricsScrape> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample) samples.push({ name: sample[1] as string, labels: parseLabels(sample[2]), value: Number(sample[3]) });
  }
  return {
    text,
    typeOf: (name) => types.get(name),
    value(name, labels = {}) {
      return samples
        .filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
        .reduce((sum, sample) => sum + sample.value, 0);
    },
  };
}

/** Scrapes until `predicate` holds (polling every 20 ms, up to `timeoutMs`), returning that scrape. */
export async function scrapeUntil(port: number, predicate: (scrape: MetricsScrape) => boolean, timeoutMs = 5000): Promise<MetricsScrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scrape = await scrapeMetrics(port);
    if (predicate(scrape)) return scrape;
    if (Date.now() > deadline) throw new Error(`metrics never matched; last scrape:\n${scrape.text.split('\n').filter((line) => line.startsWith('crew_') && !line.startsWith('crew_process') && !line.startsWith('crew_nodejs')).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
