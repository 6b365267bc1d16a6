import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { requiredAccess, s3Access } from "../shared/access";
import { awsContext } from "../shared/context";
import { s3AccessStatements } from "../shared/iam";
import { serviceRole } from "../shared/roles";
import type { LakeFormation } from "./lake-formation";

/** A zone bucket to register with Lake Formation. */
export interface LakeLocationZone {
    /** Zone name (`processed`, `curated`...). */
    zone: string;
    bucketArn: pulumi.Input<string>;
    /** The bucket's default-encryption key. */
    keyArn: pulumi.Input<string>;
}

export interface LakeLocationsArgs {
    /** The zone buckets to register, each with its own data access role. */
    zones: LakeLocationZone[];
    /** Lake Formation of the account (the settings must exist before a location is registered). */
    lakeFormation: LakeFormation;
}

/** The page that lists what a registration role needs. */
const REGISTRATION_ROLE_DOC = "https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html";

/**
 * Zone buckets registered with Lake Formation, each with a dedicated data access role (not the service-linked role,
 * which cannot use a customer-managed key of the bucket and is shared by every location of the account): Lake
 * Formation assumes it to hand granted principals of integrated services (Athena, Glue, EMR, Redshift Spectrum)
 * credentials scoped to a table's data. The role holds exactly what "Requirements for roles used to register
 * locations" lists for a read/write location, on its zone only: `s3:GetObject`, `s3:PutObject`, `s3:DeleteObject`
 * on the objects, `s3:ListBucket` on the bucket, and the bucket key's `kms:Decrypt`, `kms:GenerateDataKey` limited
 * to S3 requests for that bucket (encryption context `aws:s3:arn`)
 * (https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html). Deletes only add delete markers:
 * the zone buckets are versioned.
 */
export class LakeLocations extends pulumi.ComponentResource {
    /** Zone → its registered location. */
    public readonly locations: Readonly<Record<string, aws.lakeformation.Resource>>;
    /** Zone → the role Lake Formation reads and writes it with. */
    public readonly roles: Readonly<Record<string, aws.iam.Role>>;
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: LakeLocationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:LakeLocations", name, {}, opts);
        const ctx = awsContext(this);
        const locations: Record<string, aws.lakeformation.Resource> = {};
        const roles: Record<string, aws.iam.Role> = {};
        const access = args.zones.map((z) => {
            const role = serviceRole(`${name}-${z.zone}`, this, {
                service: "lakeformation.amazonaws.com",
                accountId: ctx.accountId,
                description: `Lake Formation data access to the ${z.zone} zone (read/write)`,
                statements: s3AccessStatements(
                    "readwrite",
                    { bucketArn: z.bucketArn, keyArn: z.keyArn, allowDelete: true },
                    "Zone",
                ),
            });
            roles[z.zone] = role.role;
            locations[z.zone] = new aws.lakeformation.Resource(
                `${name}-${z.zone}`,
                {
                    arn: z.bucketArn,
                    roleArn: role.role.arn,
                    useServiceLinkedRole: false,
                    hybridAccessEnabled: false,
                },
                { parent: this, dependsOn: [role.policy, ...args.lakeFormation.catalogDependencies] },
            );
            return s3Access({
                id: `lake-location-${z.zone}/s3`,
                principal: role.role.arn,
                bucketArn: z.bucketArn,
                keyArn: z.keyArn,
                prefix: "",
                objectActions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                bucketActions: ["s3:ListBucket"],
                kmsActions: ["kms:Decrypt", "kms:GenerateDataKey"],
                ctx,
                doc: REGISTRATION_ROLE_DOC,
                why: `Lake Formation reads and writes the registered ${z.zone} zone for the principals it grants`,
            });
        });
        this.locations = locations;
        this.roles = roles;
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({ requiredAccess: this.requiredAccess });
    }
}
