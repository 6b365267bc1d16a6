import { RAW_DELIVERY_ACCESS, rawDeliveryFolders } from "../../components/ingest/raw-delivery";
import { SFTP_ACCESS } from "../../components/ingest/sftp-ingest";
import type { ZoneGrant } from "../../components/storage/data-lake-zone";
import { RAW_FOLDERS, rawWriterRolePattern } from "../../model/raw-layout";
import type { HubConfig } from "./config";

/**
 * What the hub account may do in the raw zone when the zone is in another account: exactly the folders its
 * components write (`RAW_FOLDERS`, the components' default prefixes), each with the access its writer needs, and
 * nothing elsewhere in `raw/`. The hub's own roles carry the matching identity statements; S3 requires both sides.
 *
 * - `streams/`, `errors/streams/`, `events/`, `errors/events/`: the Firehose streams (`RAW_DELIVERY_ACCESS`, with
 *   `s3:PutObjectAcl`: Firehose sends `bucket-owner-full-control` cross-account).
 * - `sftp/`: Transfer Family partners (`SFTP_ACCESS`: read, write, delete for upload-then-rename clients, the ACL
 *   actions Transfer Family needs cross-account); each partner's session policy narrows it to `sftp/<partner>/`.
 * - `thirdparty/`: Data Exchange export jobs, which write with the exporter's credentials (`write`), only when data
 *   sets are configured.
 */
export function hubRawZoneGrants(hub: HubConfig, hubAccountRootArn: string): ZoneGrant[] {
    const principalArn = hubAccountRootArn;
    // Reads back (Firehose, Transfer) only for the hub's writer roles: no other principal of the hub account reads raw.
    const principalArnLike = [rawWriterRolePattern(hubAccountRootArn)];
    const grants: ZoneGrant[] = [
        ...[RAW_FOLDERS.streams, RAW_FOLDERS.events].flatMap((folder) =>
            rawDeliveryFolders(folder).map(
                (prefix): ZoneGrant => ({
                    principalArn,
                    principalArnLike,
                    access: RAW_DELIVERY_ACCESS,
                    prefix,
                    crossAccountAcl: true,
                }),
            ),
        ),
    ];
    if (hub.sftp.partners.length > 0) {
        grants.push({
            principalArn,
            principalArnLike,
            ...SFTP_ACCESS,
            prefix: RAW_FOLDERS.sftp,
            crossAccountAcl: true,
        });
    }
    if (hub.dataExchange.dataSets.length > 0) {
        grants.push({ principalArn, access: "write", prefix: RAW_FOLDERS.thirdparty });
    }
    return grants;
}
