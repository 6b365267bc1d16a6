import * as aws from "@pulumi/aws";
import { key, scriptRole, type PolicyCase } from "./kit";

/** Cases of the SageMaker rules (rules/sagemaker.ts). */

const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];

const SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";

const VPC = "vpc-0a1b2c3d4e5f60001";

function sagemakerNotebook(p: aws.Provider, flaw?: "no-key"): void {
    const cmk = key(p);
    const role = scriptRole(p, "notebook", "sagemaker.amazonaws.com", cmk.keyArn);
    new aws.sagemaker.NotebookInstance(
        "explore",
        {
            name: "pol-test-explore",
            instanceType: "ml.t3.medium",
            roleArn: role.arn,
            kmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
            directInternetAccess: "Disabled",
            rootAccess: "Disabled",
            subnetId: SUBNETS[0],
            securityGroups: [SECURITY_GROUP],
            platformIdentifier: "notebook-al2023-v1",
        },
        { provider: p },
    );
}

function sagemakerEndpointConfiguration(p: aws.Provider, flaw?: "no-key" | "capture-no-key"): void {
    const cmk = key(p);
    new aws.sagemaker.EndpointConfiguration(
        "scoring",
        {
            name: "pol-test-scoring",
            kmsKeyArn: flaw === "no-key" ? undefined : cmk.keyArn,
            productionVariants: [
                {
                    variantName: "primary",
                    modelName: "pol-test-churn",
                    initialInstanceCount: 2,
                    instanceType: "ml.m5.large",
                },
            ],
            dataCaptureConfig: {
                destinationS3Uri: "s3://pol-test-capture-123456789012-eu-west-1/scoring/",
                initialSamplingPercentage: 10,
                captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
                kmsKeyId: flaw === "capture-no-key" ? undefined : cmk.keyArn,
            },
        },
        { provider: p },
    );
}

function sagemakerDomain(p: aws.Provider, flaw?: "no-key"): void {
    const cmk = key(p);
    const role = scriptRole(p, "studio", "sagemaker.amazonaws.com", cmk.keyArn);
    new aws.sagemaker.Domain(
        "studio",
        {
            domainName: "pol-test-studio",
            authMode: "IAM",
            vpcId: VPC,
            subnetIds: SUBNETS,
            appNetworkAccessType: "VpcOnly",
            kmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
            defaultUserSettings: { executionRole: role.arn, securityGroups: [SECURITY_GROUP] },
        },
        { provider: p },
    );
}

const compliantSagemaker = (p: aws.Provider) => {
    sagemakerNotebook(p);
    sagemakerEndpointConfiguration(p);
    sagemakerDomain(p);
};

export const cases: PolicyCase[] = [
    // sagemaker-kms
    {
        policy: "sagemaker-kms",
        title: "notebook instance without kmsKeyId (SM2)",
        violating: (p) => sagemakerNotebook(p, "no-key"),
        compliant: compliantSagemaker,
    },
    {
        policy: "sagemaker-kms",
        title: "endpoint configuration without kmsKeyArn",
        violating: (p) => sagemakerEndpointConfiguration(p, "no-key"),
        compliant: (p) => sagemakerEndpointConfiguration(p),
    },
    {
        policy: "sagemaker-kms",
        title: "endpoint data capture without a key",
        violating: (p) => sagemakerEndpointConfiguration(p, "capture-no-key"),
        compliant: (p) => sagemakerEndpointConfiguration(p),
    },
    {
        policy: "sagemaker-kms",
        title: "domain without kmsKeyId",
        violating: (p) => sagemakerDomain(p, "no-key"),
        compliant: (p) => sagemakerDomain(p),
    },
];
