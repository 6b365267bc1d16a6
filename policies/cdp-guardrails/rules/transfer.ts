import { type CdpPolicy, definePolicy, forTypes } from "../lib/policy";
import { propsOf } from "../lib/props";
import { asList } from "../lib/stack";
import { TYPES } from "../lib/types";

/** Transfer Family: servers offer no plain FTP and log to CloudWatch. */

/** The props transfer-no-ftp-logging reads (aws.transfer.Server). */
interface ServerProps {
    protocols?: string[];
    loggingRole?: string;
    structuredLogDestinations?: string[];
}

const transferNoFtpLogging = definePolicy({
    name: "transfer-no-ftp-logging",
    description:
        "Transfer Family servers do not offer plain FTP (FSBP Transfer.2; an unset protocols means SFTP) and log to CloudWatch through a loggingRole or structuredLogDestinations (platform rule: FSBP Transfer.3 covers connectors only).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.transfer.Server remove "FTP" from protocols (use ["SFTP"], or FTPS with a certificate) and set loggingRole to the ARN of a role transfer.amazonaws.com can assume with logs:CreateLogStream/PutLogEvents on /aws/transfer/*, or structuredLogDestinations to a log group ARN.',
    cdp: { concern: "governance", controls: ["FSBP Transfer.2", "platform rule"], inspects: [...TYPES.transferServer] },
    validateResource: forTypes(TYPES.transferServer, (args, reportViolation) => {
        const props = propsOf<ServerProps>(args);
        const protocols = asList(props.protocols);
        if (protocols.some((p) => p.toUpperCase() === "FTP")) {
            reportViolation(
                `${args.name}: protocols [${protocols.join(", ")}] include plain FTP (credentials and data in clear text)`,
            );
        }
        if (!props.loggingRole && asList(props.structuredLogDestinations).length === 0) {
            reportViolation(
                `${args.name}: neither loggingRole nor structuredLogDestinations is set (no CloudWatch logging)`,
            );
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const transferPolicies: CdpPolicy[] = [transferNoFtpLogging];
