import type * as pulumi from "@pulumi/pulumi";

/** The part of a data-lake zone an ingestion component writes to (it may live in another account). */
export interface ZoneTarget {
    /** The zone bucket's name. */
    readonly bucketName: pulumi.Input<string>;
    /** The zone bucket's ARN. */
    readonly bucketArn: pulumi.Input<string>;
    /** The zone's CMK, which the bucket's default encryption uses. */
    readonly keyArn: pulumi.Input<string>;
    /**
     * The zone's bucket is in another account than the writer: writers that send the `bucket-owner-full-control` ACL
     * (Firehose, Transfer Family) then need `s3:PutObjectAcl` (see `S3GrantOptions.crossAccountAcl`).
     * @default false
     */
    readonly crossAccount?: boolean;
}
