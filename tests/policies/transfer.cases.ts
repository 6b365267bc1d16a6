import * as aws from "@pulumi/aws";
import { ACCOUNT, doc, json, REGION, role, type PolicyCase } from "./kit";

/** Cases of the Transfer Family rules (rules/transfer.ts). */

/** The role Transfer Family assumes to write its logs, limited to its own log groups. */
function transferLoggingRole(p: aws.Provider): aws.iam.Role {
    const r = role(p, "transfer-logging", "transfer.amazonaws.com");
    new aws.iam.RolePolicy(
        "transfer-logging",
        {
            role: r.id,
            policy: json(
                doc({
                    Effect: "Allow",
                    Action: [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                    ],
                    Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/transfer/*`,
                }),
            ),
        },
        { provider: p },
    );
    return r;
}

function transferServer(
    p: aws.Provider,
    options: { protocols?: string[]; logging: "role" | "structured" | "none" },
): void {
    const loggingRole = options.logging === "role" ? transferLoggingRole(p).arn : undefined;
    new aws.transfer.Server(
        "partners",
        {
            protocols: options.protocols,
            identityProviderType: "SERVICE_MANAGED",
            securityPolicyName: "TransferSecurityPolicy-2024-01",
            loggingRole,
            structuredLogDestinations:
                options.logging === "structured"
                    ? [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/transfer/pol-test:*`]
                    : undefined,
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    // transfer-no-ftp-logging
    {
        policy: "transfer-no-ftp-logging",
        title: "server offering plain FTP",
        violating: (p) => transferServer(p, { protocols: ["SFTP", "FTP"], logging: "role" }),
        compliant: (p) => transferServer(p, { protocols: ["SFTP"], logging: "role" }),
    },
    {
        policy: "transfer-no-ftp-logging",
        title: "server without logging (unset protocols mean SFTP; structured logging is enough)",
        violating: (p) => transferServer(p, { logging: "none" }),
        compliant: (p) => transferServer(p, { logging: "structured" }),
    },
];
