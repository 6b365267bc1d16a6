import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Platform-health dashboards, collected per program: every component adds its widgets to the collector of the
 * provider it is created under (one provider per program and account), and the program creates one CloudWatch
 * dashboard from it when it finishes (`createDashboard`). `createAlarm` (alarms.ts) adds every alarm, `NodeFunction`
 * its Lambda metrics, the publishing API its API Gateway metrics; a new component adds widgets with
 * `dashboardCollector(this).add(...)`, nothing else to wire.
 *
 * The body follows "Dashboard Body Structure and Syntax", CloudWatch API Reference
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * metric widgets list `[namespace, metricName, dimName, dimValue, ..., {options}]`, alarm widgets name alarm ARNs.
 */

/** One metric of a metric widget. */
export interface DashboardMetric {
    namespace: string;
    metricName: string;
    dimensions: Record<string, pulumi.Input<string>>;
    /**
     * Statistic.
     * @default "Sum"
     */
    stat?: "Average" | "Maximum" | "Minimum" | "Sum" | "p99";
    /** Legend label. */
    label?: string;
}

/** A widget: the state of some alarms, or a graph of some metrics. */
export type DashboardWidget =
    | { kind: "alarms"; title: string; alarmArns: pulumi.Input<string>[] }
    | { kind: "metrics"; title: string; metrics: DashboardMetric[]; period?: number };

/** The widgets of one dashboard, by section (a text header above each section's widgets). */
export class DashboardCollector {
    private readonly sections = new Map<string, DashboardWidget[]>();

    /** Adds widgets under `section` (sections keep the order they were first used in). */
    add(section: string, ...widgets: DashboardWidget[]): void {
        this.sections.set(section, [...(this.sections.get(section) ?? []), ...widgets]);
    }

    /** Adds an alarm to the section's alarm-status widget (one widget per section collects them all). */
    addAlarm(section: string, alarmArn: pulumi.Input<string>): void {
        const widgets = this.sections.get(section) ?? [];
        const status = widgets.find((w) => w.kind === "alarms");
        if (status && status.kind === "alarms") status.alarmArns.push(alarmArn);
        else
            this.sections.set(section, [
                { kind: "alarms", title: `${section}: alarms`, alarmArns: [alarmArn] },
                ...widgets,
            ]);
    }

    get isEmpty(): boolean {
        return this.sections.size === 0;
    }

    /** Section titles in order, with their widgets. */
    entries(): Array<[string, readonly DashboardWidget[]]> {
        return [...this.sections.entries()];
    }
}

/** Collectors by provider resource (one per program), for the default provider by resource monitor. */
const collectors = new WeakMap<object, DashboardCollector>();
const noMonitor = {};

/** The dashboard collector of the program `resource` belongs to (by its AWS provider). */
export function dashboardCollector(resource: pulumi.Resource): DashboardCollector {
    const provider = resource.getProvider("aws:cloudwatch/dashboard:Dashboard");
    const key: object = provider ?? pulumi.runtime.getMonitor() ?? noMonitor;
    let collector = collectors.get(key);
    if (!collector) {
        collector = new DashboardCollector();
        collectors.set(key, collector);
    }
    return collector;
}

const WIDTH = 24;
const HALF = 12;

/** The dashboard body (JSON) of a collector's sections, laid out in rows of two widgets under a text header each. */
export function dashboardBody(
    sections: ReadonlyArray<[string, readonly DashboardWidget[]]>,
    region: pulumi.Input<string>,
): pulumi.Output<string> {
    type Resolved = Array<
        [
            string,
            Array<
                | { kind: "alarms"; title: string; alarmArns: string[] }
                | {
                      kind: "metrics";
                      title: string;
                      period?: number;
                      metrics: Array<Omit<DashboardMetric, "dimensions"> & { dimensions: Record<string, string> }>;
                  }
            >,
        ]
    >;
    // pulumi.output unwraps the nested inputs (alarm ARNs, dimension values) of the whole structure.
    const all = pulumi.output(
        sections.map(([title, widgets]) => [title, [...widgets]]),
    ) as unknown as pulumi.Output<Resolved>;
    return pulumi.all([pulumi.output(region), all]).apply(([r, resolved]) => {
        const widgets: unknown[] = [];
        let y = 0;
        for (const [title, ws] of resolved) {
            widgets.push({ type: "text", x: 0, y, width: WIDTH, height: 1, properties: { markdown: `## ${title}` } });
            y += 1;
            ws.forEach((w, i) => {
                const x = i % 2 === 0 ? 0 : HALF;
                if (i > 0 && i % 2 === 0) y += 6;
                widgets.push(
                    w.kind === "alarms"
                        ? {
                              type: "alarm",
                              x,
                              y,
                              width: HALF,
                              height: 6,
                              properties: { title: w.title, alarms: [...w.alarmArns].sort() },
                          }
                        : {
                              type: "metric",
                              x,
                              y,
                              width: HALF,
                              height: 6,
                              properties: {
                                  title: w.title,
                                  region: r,
                                  view: "timeSeries",
                                  period: w.period ?? 300,
                                  metrics: w.metrics.map((m) => [
                                      m.namespace,
                                      m.metricName,
                                      ...Object.entries(m.dimensions).flat(),
                                      { stat: m.stat ?? "Sum", ...(m.label ? { label: m.label } : {}) },
                                  ]),
                              },
                          },
                );
            });
            y += 6;
        }
        return JSON.stringify({ widgets });
    });
}

/**
 * The program's platform-health dashboard, from what its components collected (none when they collected nothing).
 * Call it last in the program, after every component.
 */
export function createDashboard(
    name: string,
    parent: pulumi.Resource,
    spec: { dashboardName: string; region: pulumi.Input<string> },
): aws.cloudwatch.Dashboard | undefined {
    const collector = dashboardCollector(parent);
    if (collector.isEmpty) return undefined;
    return new aws.cloudwatch.Dashboard(
        name,
        { dashboardName: spec.dashboardName, dashboardBody: dashboardBody(collector.entries(), spec.region) },
        { parent },
    );
}
