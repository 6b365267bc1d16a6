/**
 * A stack deployed from an earlier main must update in place: every stateful resource planned today either keeps the
 * URN it had (tests/fixtures/urns/<stack>.json, recorded before the layout change of issue 9) or reaches it through
 * an alias, its own or one inherited from a moved parent, resolved the way the engine resolves them.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlanDocument } from "../tools/plan/document";
import { planStack } from "./helpers/plan";

type Resource = PlanDocument["resources"][number];

/** Types whose replacement loses data or breaks what depends on the physical resource. */
const STATEFUL = [
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:dynamodb/table:Table",
    "aws:kinesis/stream:Stream",
    "aws:sqs/queue:Queue",
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/catalogTable:CatalogTable",
    "aws:lakeformation/dataLakeSettings:DataLakeSettings",
    "aws:lakeformation/lfTag:LfTag",
    "aws:apigateway/account:Account",
    "aws:cloudwatch/eventBus:EventBus",
    "aws:cloudwatch/eventArchive:EventArchive",
    "aws:transfer/server:Server",
    "aws:dax/cluster:Cluster",
];

/** Resource types the platform plans since the fixture was recorded, and the change that added them. */
const TYPES_ADDED_SINCE_FIXTURE: Record<string, string> = {
    "aws:secretsmanager/secret:Secret": "issue 12: the ETL raw → processed job's hash-salt secret (EtlPipeline)",
    "aws:secretsmanager/secretVersion:SecretVersion": "issue 12: the hash salt's value (EtlPipeline)",
    "aws:lakeformation/resource:Resource": "issue 10: domain products registered with Lake Formation (DataProducts)",
    "aws:lakeformation/permissions:Permissions":
        "issue 11: tag-based Lake Formation grants (LakeGrants, SchemaCrawlers)",
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings":
        "issue 11: Glue Data Catalog encryption in the account baseline (CatalogEncryption)",
    "aws:glue/securityConfiguration:SecurityConfiguration": "issue 11: schema crawlers' security configuration",
    "aws:glue/crawler:Crawler": "issue 11: schema crawlers of the processed and curated zones (SchemaCrawlers)",
    "aws:dynamodb/tableItem:TableItem": "issue 11: one contracts table item per data contract file (ContractRegistry)",
    "aws:glue/dataQualityRuleset:DataQualityRuleset":
        "issue 11: a Data Quality ruleset per data contract (ContractRegistry)",
    "aws:guardduty/detector:Detector": "issue 11: security services in the account baseline (SecurityServices)",
    "aws:guardduty/detectorFeature:DetectorFeature": "issue 11: GuardDuty S3 and Lambda protection (SecurityServices)",
    "aws:securityhub/account:Account": "issue 11: security services in the account baseline (SecurityServices)",
    "aws:securityhub/standardsSubscription:StandardsSubscription":
        "issue 11: Security Hub FSBP standard (SecurityServices)",
    "aws:inspector2/enabler:Enabler": "issue 11: Inspector for Lambda (SecurityServices)",
    "aws:accessanalyzer/analyzer:Analyzer": "issue 11: IAM Access Analyzer (SecurityServices)",
    "aws:macie2/account:Account": "issue 11: Macie (SecurityServices)",
    "aws:macie2/classificationJob:ClassificationJob": "issue 11: Macie job over the raw and curated zones",
    "aws:cloudtrail/trail:Trail": "issue 11: the audit trail (AuditTrail)",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "issue 11: audit metric filters (AuditTrail)",
    "aws:athena/workgroup:Workgroup": "issue 11: governance query workgroup (QueryWorkgroup)",
    "aws:cloudwatch/dashboard:Dashboard": "issue 11: platform-health dashboard per program (dashboards.ts)",
    "awsx:ec2:Vpc": "issue 11: the governance network (GovernanceNetwork)",
    "aws:ec2/flowLog:FlowLog": "issue 11: the governance VPC's flow logs (GovernanceNetwork)",
    "aws:ec2/securityGroup:SecurityGroup": "issue 11: the lineage graph and its clients (LineageGraph)",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "issue 11: lineage clients to the graph (LineageGraph)",
    "aws:neptune/cluster:Cluster": "issue 11: the lineage graph (LineageGraph)",
    "aws:neptune/clusterInstance:ClusterInstance": "issue 11: the lineage graph's instances (LineageGraph)",
    "aws:neptune/clusterParameterGroup:ClusterParameterGroup": "issue 11: audit log on (LineageGraph)",
    "aws:neptune/subnetGroup:SubnetGroup": "issue 11: the lineage graph's private subnets (LineageGraph)",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
        "issue 11: the lineage writer's on-failure destination (dev had no such config before)",
    "aws:s3/bucketNotification:BucketNotification": "issue 12: EventBridge notifications of the raw zone (EtlPipeline)",
    "aws:s3/bucketObjectv2:BucketObjectv2": "issue 12: Glue job scripts in the artifacts bucket (EtlPipeline)",
    "aws:glue/job:Job": "issue 12: Glue ETL jobs (EtlPipeline)",
    "aws:sfn/stateMachine:StateMachine": "issue 12: ETL orchestration (EtlPipeline)",
};

/**
 * A URN reduced to what both the engine and the SDK's mock monitor put in it: stack, project, the parent's own type,
 * the type and the name. The engine's URN carries the parent's whole type chain (`a$b$type`); the mock monitor keeps
 * only the last parent type (`b$type`), and the fixture was recorded under the mocks, so URNs compare in this form.
 */
function canonical(urn: string): string {
    const [stack, project, qualifiedType, ...name] = urn.split("::");
    const types = qualifiedType.split("$");
    return [stack, project, types.slice(-2).join("$"), ...name].join("::");
}

/** The canonical URN of a resource from its parts. */
function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    let chain = "";
    if (parentUrn) {
        const parentType = parentUrn.split("::")[2].split("$").pop();
        // The stack itself is not part of its children's type chain.
        if (parentType !== "pulumi:pulumi:Stack") chain = `${parentType}$`;
    }
    return canonical(`urn:pulumi:${stack}::${project}::${chain}${type}::${name}`);
}

/** Every URN a resource may have had: its own, its aliases, and each combined with the parent's old URNs. */
function candidateUrns(doc: PlanDocument, byUrn: Map<string, Resource>, r: Resource, memo: Map<string, Set<string>>) {
    const known = memo.get(r.urn);
    if (known) return known;
    const out = new Set<string>([canonical(r.urn)]);
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const parentCandidates = parent ? candidateUrns(doc, byUrn, parent, memo) : new Set<string>([r.parent]);
    for (const parentUrn of parentCandidates) {
        out.add(makeUrn(doc.stack, doc.project, parentUrn || undefined, r.type, r.name));
    }
    for (const alias of r.aliases ?? []) {
        if ("urn" in alias) {
            out.add(canonical(alias.urn));
            continue;
        }
        const parents = alias.noParent ? [undefined] : alias.parentUrn ? [alias.parentUrn] : [...parentCandidates];
        for (const parentUrn of parents) {
            out.add(
                makeUrn(
                    alias.stack ?? doc.stack,
                    alias.project ?? doc.project,
                    parentUrn,
                    alias.type ?? r.type,
                    alias.name ?? r.name,
                ),
            );
        }
    }
    memo.set(r.urn, out);
    return out;
}

for (const stack of ["prod", "dev"]) {
    describe(`URN stability of the ${stack} stack`, () => {
        let doc: PlanDocument;
        const fixture = JSON.parse(
            fs.readFileSync(path.join(__dirname, "fixtures", "urns", `${stack}.json`), "utf8"),
        ) as { resources: Array<{ urn: string; type: string }> };

        before(async () => {
            doc = await planStack(stack);
            expect(doc.errors).to.deep.equal([]);
        });

        it("keeps or aliases the URN of every stateful resource deployed from the previous layout", () => {
            const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
            const memo = new Map<string, Set<string>>();
            const reachable = new Set<string>();
            for (const r of doc.resources) for (const urn of candidateUrns(doc, byUrn, r, memo)) reachable.add(urn);
            const stateful = fixture.resources.filter((r) => STATEFUL.includes(r.type));
            expect(stateful.length).to.be.greaterThan(stack === "prod" ? 40 : 20);
            const lost = stateful.filter((r) => !reachable.has(canonical(r.urn))).map((r) => r.urn);
            expect(lost, "stateful resources that a deployed stack would replace").to.deep.equal([]);
        });

        it("drops none of the cloud resources planned before, by type (later issues only add)", () => {
            const count = (list: Array<{ type: string }>) => {
                const byType: Record<string, number> = {};
                for (const r of list) {
                    if (r.type.startsWith("cdp:") || r.type === "pulumi:pulumi:Stack") continue;
                    byType[r.type] = (byType[r.type] ?? 0) + 1;
                }
                return byType;
            };
            const now = count(doc.resources);
            const before = count(fixture.resources);
            const dropped = Object.entries(before)
                .filter(([type, n]) => (now[type] ?? 0) < n)
                .map(([type, n]) => `${type}: ${now[type] ?? 0} < ${n}`);
            expect(dropped, "types planned fewer times than in the recorded plan").to.deep.equal([]);
            const added = Object.keys(now).filter((type) => !(type in before));
            expect(added.filter((type) => !(type in TYPES_ADDED_SINCE_FIXTURE))).to.deep.equal([]);
        });
    });
}
